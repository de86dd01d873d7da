fn main() {
    let d = shiori::search::dictionary::ipadic().unwrap();
    let seg = lindera::segmenter::Segmenter::new(lindera::mode::Mode::Normal, d, None);
    for q in std::env::args().skip(1) {
        let toks = seg.segment(std::borrow::Cow::Owned(q)).unwrap();
        for mut t in toks { let s = t.surface.to_string(); println!("{} {:?}", s, t.details()); }
    }
}
