//! The transactional outbox.
//!
//! A module that changes its data appends an event with [`append`] on the *same connection,
//! inside the same transaction*: the event exists if and only if the change committed. The
//! [`Relay`] then delivers every event at least once to each registered [`EventHandler`],
//! in id order per consumer, and records `(consumer, event)` once handled, so a handler is
//! not called again for an event it already took — even after a restart. (On SQLite, where
//! events commit in id order, that record is the consumer's floor alone: "handled up to
//! here".) A handler that fails is retried later (with backoff when the relay runs in the
//! background); events after it wait, so each consumer sees events in order. Handlers must
//! still be idempotent: a crash between handling and recording means one more delivery.

mod fanout;
mod floor;
mod live;
mod relay;
mod schema;
mod store;

pub use fanout::Fanout;
pub use floor::LATE_COMMIT_HORIZON;
pub use live::LiveProgress;
pub use relay::{
    BatchFailure, BatchFuture, ConsumerReport, DeliveryReport, EventHandler, HandlerError,
    HandlerFuture, OutboxSignal, Relay, RelayOptions,
};
pub use store::{Event, NewEvent, append, count_events, delivered_to};

#[cfg(test)]
mod tests;
