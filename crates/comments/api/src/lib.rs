//! The published face of Quire's comments module: the port to list, count and moderate
//! comments, its plain data types, events and errors.
//!
//! Not built yet: comments arrive with the comments module; today the module owns only its
//! `comments` table.
