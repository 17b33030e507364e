//! End-to-end test of the real app (filled in below).
