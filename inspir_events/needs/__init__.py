"""Need boards: citizens submit, support and follow needs by territory and theme."""
