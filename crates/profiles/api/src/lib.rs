//! The published face of Quire's profiles module: the port other modules use to look up
//! accounts and authenticate viewers, its plain data types, events and errors.
//!
//! Not built yet: accounts arrive with the profiles module; today the module owns only its
//! `users` table.
