//! Live stream events (X2): the organisation's Server-Sent Events (`GET /api/v1/events`)
//! as typed [`StreamEvent`]s (`shared`'s, the type the server sends), for as long as the
//! component that asked for them lives.
//!
//! A page calls [`use_stream_events`] once in its body with what to do per event; the
//! connection opens right away and closes when the page is cleaned up. The browser's
//! `EventSource` reconnects by itself after a network break, but events sent meanwhile
//! are lost, so a reconnection is reported as [`LiveEvent::Reconnected`]: the page
//! should reload what it shows. This module knows no page and renders nothing.
//!
//! Layer: the ground floor of the app; it imports [`crate::api`] (for the URL) and
//! `shared`.

use crate::api;
use leptos::prelude::*;
use shared::model::StreamEvent;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventSource, MessageEvent};

/// What a page hears on the event connection: one of the server's stream events as
/// `shared` reads it (its kinds are `shared`'s alone), or that the connection came back.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// An event of the organisation's streams.
    Stream(StreamEvent),
    /// The connection came back after a break: events may have been missed.
    Reconnected,
}

/// Where the event connection stands, for a small indicator on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Opening for the first time.
    Connecting,
    /// Events arrive as they happen.
    Open,
    /// The connection broke; the browser is trying again.
    Reconnecting,
    /// The server refused the stream (e.g. the session ended); no more events.
    Closed,
}

impl Connection {
    /// For `data-state` (tests, styles).
    pub fn as_str(self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Open => "open",
            Connection::Reconnecting => "reconnecting",
            Connection::Closed => "closed",
        }
    }

    /// What the indicator says.
    pub fn label(self) -> &'static str {
        match self {
            Connection::Connecting => "Connecting to live updates…",
            Connection::Open => "Live updates on",
            Connection::Reconnecting => "Live updates interrupted, reconnecting…",
            Connection::Closed => "Live updates off: reload the page to resume",
        }
    }
}

/// The browser objects of one subscription; dropping the closures before `close()`
/// would let a late event call a freed function.
struct Subscription {
    source: EventSource,
    _listeners: Vec<Closure<dyn FnMut(MessageEvent)>>,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Opens the organisation's event stream and calls `on_event` for every stream event
/// (every kind of [`StreamEvent::KINDS`]) and reconnection until the calling component is
/// cleaned up (then the connection is closed). Returns
/// the connection's state. Call it in a component body: without a reactive owner the
/// connection would never be closed.
pub fn use_stream_events(on_event: impl Fn(LiveEvent) + 'static) -> ReadSignal<Connection> {
    let (connection, set_connection) = signal(Connection::Connecting);
    let Ok(source) = EventSource::new(&api::events_url()) else {
        set_connection.set(Connection::Closed);
        return connection;
    };
    let on_event: Rc<dyn Fn(LiveEvent)> = Rc::new(on_event);

    let listeners = StreamEvent::KINDS
        .iter()
        .filter_map(|kind| {
            let on_event = Rc::clone(&on_event);
            let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                let kind = message.type_();
                let Some(data) = message.data().as_string() else {
                    return;
                };
                match StreamEvent::parse(&kind, &data) {
                    Ok(event) => on_event(LiveEvent::Stream(event)),
                    Err(why) => leptos::logging::warn!("ignored a {kind} event: {why}"),
                }
            });
            source
                .add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref())
                .ok()
                .map(|()| listener)
        })
        .collect();

    let opened_before = Rc::new(Cell::new(false));
    let on_open = Closure::<dyn FnMut(Event)>::new({
        let on_event = Rc::clone(&on_event);
        move |_: Event| {
            set_connection.try_set(Connection::Open);
            if opened_before.replace(true) {
                on_event(LiveEvent::Reconnected);
            }
        }
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));

    let on_error = Closure::<dyn FnMut(Event)>::new({
        let source = source.clone();
        move |_: Event| {
            let now = if source.ready_state() == EventSource::CLOSED {
                Connection::Closed
            } else {
                Connection::Reconnecting
            };
            set_connection.try_set(now);
        }
    });
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    let subscription = StoredValue::new_local(Some(Subscription {
        source,
        _listeners: listeners,
        _on_open: on_open,
        _on_error: on_error,
    }));
    // Runs before the owner drops its stored values, so the subscription is still there.
    on_cleanup(move || {
        subscription.try_update_value(|held| {
            if let Some(held) = held.take() {
                held.source.close();
            }
        });
    });
    connection
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::stream::StreamState;

    const ID: &str = "7c1e2b3a-0000-4000-8000-00000000abcd";

    #[test]
    fn state_changes_are_read_with_every_field() {
        let data = format!(
            r#"{{"id":"{ID}","name":"HX26g-NRbx9","streamgroup_id":"{ID}","from":"created","to":"live","at":"2026-11-25T10:00:00.000Z"}}"#
        );
        let Ok(StreamEvent::StateChanged(change)) =
            StreamEvent::parse("stream.state_changed", &data)
        else {
            panic!("a state change");
        };
        assert_eq!(change.id.to_string(), ID);
        assert_eq!(change.name.as_str(), "HX26g-NRbx9");
        assert_eq!(change.from, StreamState::Created);
        assert_eq!(change.to, StreamState::Live);
        assert_eq!(change.at.to_string(), "2026-11-25T10:00:00.000Z");
    }

    #[test]
    fn each_kind_maps_to_its_variant() {
        let changed = format!(
            r#"{{"id":"{ID}","name":"HX26g-NRbx9","streamgroup_id":"{ID}","at":"2026-11-25T10:00:00.000Z"}}"#
        );
        assert!(matches!(
            StreamEvent::parse("stream.created", &changed),
            Ok(StreamEvent::Created(c)) if c.id.to_string() == ID
        ));
        assert!(matches!(
            StreamEvent::parse("stream.updated", &changed),
            Ok(StreamEvent::Updated(_))
        ));
        let deleted =
            format!(r#"{{"id":"{ID}","name":"HX26g-NRbx9","at":"2026-11-25T10:00:00.000Z"}}"#);
        assert!(matches!(
            StreamEvent::parse("stream.deleted", &deleted),
            Ok(StreamEvent::Deleted(d)) if d.name.as_str() == "HX26g-NRbx9"
        ));
        let stopped = format!(
            r#"{{"id":"{ID}","name":"HX26g-Tr4n1","streamgroup_id":"{ID}","transcoder":null,"at":"2026-11-25T10:00:00.000Z"}}"#
        );
        assert!(matches!(
            StreamEvent::parse("stream.transcoder_changed", &stopped),
            Ok(StreamEvent::TranscoderChanged(t)) if t.transcoder.is_none() && t.name.as_str() == "HX26g-Tr4n1"
        ));
    }

    #[test]
    fn health_is_read_with_its_figures() {
        let data = format!(
            r#"{{"id":"{ID}","name":"HX26g-NRbx9","streamgroup_id":"{ID}","health":{{"status":"unhealthy","issues":[{{"code":"no_data","severity":"unhealthy","message":"no data for 4 s"}}],"at":"2026-11-25T10:00:04.000Z","kbps":0,"video":null,"audio":null,"keyframe_interval_s":1.0,"keyframe_interval_declared_s":null,"dropped_frames":0,"last_data_at":"2026-11-25T10:00:00.000Z","idle_s":4}}}}"#
        );
        let Ok(StreamEvent::Health(change)) = StreamEvent::parse("stream.health", &data) else {
            panic!("a health event");
        };
        assert_eq!(change.id.to_string(), ID);
        assert_eq!(change.health.idle_s, 4);
        assert_eq!(change.health.summary(), "Ingest unhealthy: no data for 4 s");
    }

    #[test]
    fn unknown_kinds_and_bad_data_are_refused() {
        assert_eq!(
            StreamEvent::parse("stream.renamed", "{}"),
            Err("unknown event type \u{201c}stream.renamed\u{201d}".to_string())
        );
        assert!(StreamEvent::parse("stream.state_changed", r#"{"id":"x"}"#).is_err());
        assert!(StreamEvent::parse("stream.deleted", "not json").is_err());
    }

    #[test]
    fn connection_states_have_stable_names() {
        assert_eq!(Connection::Open.as_str(), "open");
        assert_eq!(Connection::Reconnecting.as_str(), "reconnecting");
        assert_eq!(
            Connection::Closed.label(),
            "Live updates off: reload the page to resume"
        );
    }
}
