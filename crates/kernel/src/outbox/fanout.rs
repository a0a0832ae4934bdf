//! Several handlers behind one consumer, so that a live subscription reads each event once
//! for all of them.

use std::sync::Arc;

use super::relay::{EventHandler, HandlerFuture};
use super::store::Event;

/// Hands each event to every handler that accepts it, in the order given. Subscribed as
/// one live subscriber, it costs one read of the outbox per pass however many handlers it
/// holds. When a handler fails, the event is offered again to all of them, so each must be
/// idempotent (as every handler must be anyway).
pub struct Fanout {
    consumer: String,
    handlers: Vec<Arc<dyn EventHandler>>,
}

impl Fanout {
    /// `handlers` under the consumer name `consumer`.
    pub fn new(consumer: impl Into<String>, handlers: Vec<Arc<dyn EventHandler>>) -> Self {
        Self {
            consumer: consumer.into(),
            handlers,
        }
    }
}

impl std::fmt::Debug for Fanout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.handlers.iter().map(|h| h.consumer()).collect();
        f.debug_struct("Fanout")
            .field("consumer", &self.consumer)
            .field("handlers", &names)
            .finish()
    }
}

impl EventHandler for Fanout {
    fn consumer(&self) -> &str {
        &self.consumer
    }

    fn accepts(&self, event_type: &str) -> bool {
        self.handlers.iter().any(|h| h.accepts(event_type))
    }

    fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(async move {
            for handler in &self.handlers {
                if handler.accepts(&event.event_type) {
                    handler.handle(event).await?;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use chrono::NaiveDateTime;

    use super::*;
    use crate::outbox::HandlerError;

    /// Records the events of the one type it accepts; fails while `failing` is set.
    struct Recorder {
        name: &'static str,
        accepted: &'static str,
        seen: Mutex<Vec<i64>>,
        failing: bool,
    }

    impl Recorder {
        fn new(name: &'static str, accepted: &'static str, failing: bool) -> Arc<Self> {
            Arc::new(Self {
                name,
                accepted,
                seen: Mutex::new(Vec::new()),
                failing,
            })
        }
    }

    impl EventHandler for Recorder {
        fn consumer(&self) -> &str {
            self.name
        }

        fn accepts(&self, event_type: &str) -> bool {
            event_type == self.accepted
        }

        fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
            Box::pin(async move {
                if self.failing {
                    return Err(HandlerError(format!("{} is down", self.name)));
                }
                self.seen.lock().unwrap().push(event.id);
                Ok(())
            })
        }
    }

    fn event(id: i64, event_type: &str) -> Event {
        Event {
            id,
            event_type: event_type.into(),
            payload: "{}".into(),
            occurred_at_naive: NaiveDateTime::default(),
        }
    }

    #[tokio::test]
    async fn each_event_goes_to_the_handlers_that_accept_it() {
        let a = Recorder::new("a", "A", false);
        let b = Recorder::new("b", "B", false);
        let both = Fanout::new("both", vec![a.clone(), b.clone()]);
        assert!(both.accepts("A") && both.accepts("B") && !both.accepts("C"));
        for (id, event_type) in [(1, "A"), (2, "B"), (3, "A")] {
            both.handle(&event(id, event_type)).await.unwrap();
        }
        assert_eq!(*a.seen.lock().unwrap(), [1, 3]);
        assert_eq!(*b.seen.lock().unwrap(), [2]);
        assert_eq!(both.consumer(), "both");
    }

    #[tokio::test]
    async fn a_failing_handler_fails_the_event() {
        let down = Recorder::new("down", "A", true);
        let both = Fanout::new("both", vec![down]);
        let failed = both.handle(&event(1, "A")).await;
        assert_eq!(failed, Err(HandlerError("down is down".into())));
    }
}
