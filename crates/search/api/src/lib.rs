//! The published face of Quire's search module: the search port, its plain data types and
//! errors, and (behind a feature) the HTTP client adapter for a remote `quire-search`.
//!
//! Not built yet: it holds no types until the search module lands.
