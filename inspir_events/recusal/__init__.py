"""Recusal (« déport »): nobody scores, decides or grants on anything they are party to.
The features describe who is party to their subjects; members may also declare a
conflict of their own."""
