"""The multidisciplinary jury (« jury pluridisciplinaire », issue 19 §2), generic: the
committee names a subject's jury, each member with a discipline; members score each
application on the subject's criteria; a quorum of members and disciplines is needed
before any decision, which cites the jury's ranking. The subjects (a call for projects,
a co-funding session...) are registered by the features owning them (:mod:`.registry`)."""
