#!/usr/bin/env python3
"""Tries a learned reranker on the tuning sets, against the hand-set rerank (search::query::rank).

    cargo run --release --example eval -- --candidates > /tmp/cands.jsonl
    python3 scripts/fit-rerank.py /tmp/cands.jsonl [feature,feature,...]   # needs scikit-learn

Pairwise logistic regression (each right candidate against each wrong one the rerank put in its
top 3) over per-candidate features: the rerank's own score and BM25 (log, against the question's
best), coverage and its cube, title naming and its square, heading-only, focus missing, length,
depth, the kind of section, and the character-bigram overlap of title and heading path with the
question. Fitted on the tuning sets only, with 5-fold cross-validation over questions; the
held-out everyday set is printed for the report, never chosen on.

Session 20's result (2026-12-07): no C beat the hand-set rerank. Cross-validated recall@1 on
tuning-everyday was 0.72-0.77 against 0.796, and held-out everyday 0.70-0.82 against 0.836, so
the rerank was kept as it is.
"""
import json, math, sys, unicodedata
from collections import defaultdict

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

rows=[json.loads(l) for l in open(sys.argv[1] if len(sys.argv) > 1 else '/tmp/cands.jsonl')]
Q=defaultdict(list)
for r in rows: Q[(r['set'],r['n'])].append(r)
def norm(s): return unicodedata.normalize('NFKC',s).lower().replace(' ','')
def bigr(s):
    s=norm(s); return {s[i:i+2] for i in range(len(s)-1)} or ({s} if s else set())
KINDS=sorted({r['section_kind'] for r in rows})
def feats(r, cands):
    top=max(c['bm25'] for c in cands) or 1
    tops=max(c['score'] for c in cands) or 1
    qb=bigr(r['question']); tb=bigr(r['title'])
    pb=set().union(*[bigr(p) for p in r['path'][:-1]]) if len(r['path'])>1 else set()
    f=[
      math.log(max(r['score'],1e-6)/tops),
      math.log(max(r['bm25'],1e-6)/top),
      r['coverage'], r['coverage']**3,
      r['named'], r['named']**2,
      float(r['heading_only']), float(r['focus_missing']),
      math.log(1+r['chars']), len(r['path']),
      len(tb&qb)/len(tb) if tb else 0,   # share of title in question
      len(tb&qb)/len(qb) if qb else 0,   # share of question in title
      len(pb&qb)/len(qb) if qb else 0,
    ]+[float(r['section_kind']==k) for k in KINDS]
    return f
NAMES=['logscore','logbm25','cov','cov3','named','named2','heading','focusmiss','logchars','depth','title_in_q','q_in_title','q_in_path']+['kind_'+k for k in KINDS]
def build(keys):
    X=[];y=[];g=[]
    for k in keys:
        c=Q[k]
        if not c[0]['in_notes']: continue
        F=[feats(r,c) for r in c]
        rights=[i for i,r in enumerate(c) if r['right']]
        wrongs=[i for i,r in enumerate(c) if not r["right"] and r["rank"]<3]
        for i in rights:
            for j in wrongs:
                d=np.array(F[i])-np.array(F[j]); X.append(d);y.append(1);g.append(hash(k)); X.append(-d);y.append(0);g.append(hash(k))
    return np.array(X),np.array(y),np.array(g)
def evaluate(model_w, keys, cols):
    r1=r3=n=0
    for k in keys:
        c=Q[k]
        if not c[0]['in_notes']: continue
        n+=1
        if model_w is None: s=[-r['rank'] for r in c]
        else: s=[np.dot(np.array(feats(r,c))[cols],model_w) for r in c]
        order=np.argsort(-np.array(s),kind='stable')
        rk=[c[i]['right'] for i in order]
        r1+=rk[0]; r3+=any(rk[:3])
    return r1/n, r3/n, n
sets=['tuning','tuning-everyday','heldout-everyday']
keys={s:[k for k in Q if k[0]==s] for s in sets}
train=keys['tuning']+keys['tuning-everyday']
cols=list(range(len(NAMES)))
if len(sys.argv)>2: cols=[NAMES.index(x) for x in sys.argv[2].split(',')]
for s in sets: print('baseline',s,evaluate(None,keys[s],cols))
for C in [0.01,0.1,1.0]:
    # CV on training questions
    hits=defaultdict(list)
    idx=np.arange(len(train))
    for fold,(tr,te) in enumerate(GroupKFold(5).split(idx,groups=idx)):
        X,y,_=build([tuple(train[i]) for i in tr]); X=X[:,cols]
        m=LogisticRegression(C=C,fit_intercept=False,max_iter=2000).fit(X,y)
        for s in ['tuning','tuning-everyday']:
            ks=[tuple(train[i]) for i in te if train[i][0]==s]
            a,b,n=evaluate(m.coef_[0],ks,cols); hits[s].append((a*n,b*n,n))
    cv={s:(sum(x[0] for x in v)/sum(x[2] for x in v), sum(x[1] for x in v)/sum(x[2] for x in v)) for s,v in hits.items()}
    X,y,_=build(train); X=X[:,cols]
    m=LogisticRegression(C=C,fit_intercept=False,max_iter=2000).fit(X,y)
    print(f'C={C} cv', {s:(round(a,3),round(b,3)) for s,(a,b) in cv.items()}, 'heldout', evaluate(m.coef_[0],keys['heldout-everyday'],cols), 'train', [evaluate(m.coef_[0],keys[s],cols)[:2] for s in sets[:2]])
    print('   ', ' '.join(f'{NAMES[c]}={w:.2f}' for c,w in zip(cols,m.coef_[0])))
