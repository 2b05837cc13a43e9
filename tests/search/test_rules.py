"""The search's pure rules: a query's words, the engines' queries, the extract's HTML."""

from inspir_events.search import rules


def test_terms_are_folded_without_stop_words_or_syntax():
    assert rules.terms("L'Écologie et la MOBILITÉ") == ["ecologie", "mobilite"]
    assert rules.terms('"bus" OR title:* NEAR(a b) -x') == ["bus", "title", "near", "b", "x"]
    assert rules.terms("   ") == []
    assert len(rules.terms(" ".join(f"mot{i}" for i in range(30)))) == rules.TERMS_MAX


def test_engine_queries_quote_every_word():
    assert rules.fts5_query(["ecologie", "bus"]) == '{title body} : ("ecologie"* AND "bus"*)'
    assert rules.fts5_query(["bus"], rules.Filters(kind="need", department="80",
                                                   theme="services_publics")) == (
        '{title body} : ("bus"*) AND facets : "kdneed80" AND facets : "tservicespublics"')
    stems = {"logement": "log", "covoit": "covoit", "le": None, "ecoles": "ecol"}
    words = ["logement", "covoit", "le", "ecoles"]
    assert rules.tsquery(words, stems, {}) == "'log' & 'covoit':* & 'ecol'"
    assert rules.tsquery(words, stems, {"logement": True}) == (
        "( 'log' | 'logement':* ) & 'covoit':* & 'ecol'")
    assert rules.tsquery(["le"], stems, {}) == ""
    assert rules.tsquery(["l'ami"], {"l'ami": "l'ami"}, {}) == "'l''ami':*"
    assert rules.lexemes("'ecolog':* & 'bus':* & 'l''ami'") == ["ecolog", "bus", "l'ami"]


def test_the_filters_are_the_fewest_facet_words_a_document_has():
    document = set(rules.facets("structure", "80", "services_publics").split())
    assert document == {"kstructure", "d80", "kdstructure80", "tservicespublics",
                        "ktstructureservicespublics"}
    assert len(rules.facets("structure", "80", "services_publics")) <= rules.FACETS_MAX
    assert rules.facets("need", None, None) == "kneed"
    chosen = {
        ("structure", "80", "services_publics"): ["kdstructure80", "tservicespublics"],
        ("structure", "80", ""): ["kdstructure80"],
        ("structure", "", "services_publics"): ["ktstructureservicespublics"],
        ("structure", "", ""): ["kstructure"],
        ("", "80", "services_publics"): ["d80", "tservicespublics"],
        ("", "80", ""): ["d80"],
        ("", "", "services_publics"): ["tservicespublics"],
        ("", "", ""): [],
    }
    for filters, words in chosen.items():
        assert rules.filter_words(*filters) == words
        assert set(words) <= document  # the document meets every subset of its filters
    assert not set(rules.filter_words("need", "80", "")) <= document


def test_a_word_expanded_becomes_the_index_words_it_starts():
    many = [f"logement{i}" for i in range(rules.EXPANDED_MAX + 1)]
    assert rules.fts5_query(["logement", "bus", "jardin"], expansions={
        "logement": ["logement", "logements"], "jardin": many}) == (
        '{title body} : (("logement" OR "logements") AND "bus"* AND "jardin"*)')
    assert rules.expandable("velo") and not rules.expandable("bus")
    assert rules.after_prefix("logement") == "logemenu"


def test_highlight_escapes_everything_but_the_marks():
    marked = f"avant <script>alert(1)</script> {rules.START}bus{rules.STOP} & après"
    assert rules.highlight(marked) == (
        "avant &lt;script&gt;alert(1)&lt;/script&gt; <mark>bus</mark> &amp; après")
    # A mark left open is closed; a stray stop is dropped.
    assert rules.highlight(f"{rules.STOP}a {rules.START}b") == "a <mark>b</mark>"


def test_clean_removes_the_markers_and_cuts():
    assert rules.clean(f"a{rules.START}b{rules.STOP}  c", 10) == "ab c"
    assert rules.clean("x" * 50, 10) == "x" * 10


def test_plain_text_of_sanitised_html():
    assert rules.plain_text("<p>Le <strong>bus</strong> &amp; le train</p>") == (
        "Le bus & le train")


def test_page_number():
    assert [rules.page_number(v) for v in (None, "2", "0", "x", "51")] == [1, 2, 1, 1, 1]


def test_mark_finds_words_by_their_folded_start_and_cuts_an_extract():
    s, e = rules.START, rules.STOP
    assert rules.mark("Le Quartier des écoles", ["quartier", "ecole"]) == (
        f"Le {s}Quartier{e} des {s}écoles{e}")
    text = ("Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
            "quinze seize dixsept Écologie urbaine vingt et un fin.")
    assert rules.mark(text, ["ecolo"], 60) == (
        f"…quinze seize dixsept {s}Écologie{e} urbaine vingt et un fin.")
    assert rules.mark(text, ["absent"], 30) == "Un deux trois quatre cinq six…"
    # Inside a word is no match; what people wrote stays as it is (escaped later).
    assert rules.mark("<b>vélo</b> autovélo", ["velo"]) == f"<b>{s}vélo{e}</b> autovélo"
