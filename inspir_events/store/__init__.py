"""The innovation store: the catalogue of experiments and their lineage, reproduction;
the support structures' public pages and the label of structures and projects."""
