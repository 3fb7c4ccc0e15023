//! Selecting the history event before or after the selected one: one pair of keys and
//! one refusal for both front ends, from the shared table.

use postflow_core::controls::{self, Availability, CONTROLS, Command, Key, NOTHING_TO_SELECT};
use postflow_core::session::{Action, Session, SessionConfig};

const SELECT: [Command; 2] = [Command::SelectPrevEvent, Command::SelectNextEvent];

#[test]
fn k_and_j_select_the_previous_and_the_next_event_in_the_shared_table() {
    assert_eq!(controls::command_for(Key::Char('k')), Some(Command::SelectPrevEvent));
    assert_eq!(controls::command_for(Key::Char('j')), Some(Command::SelectNextEvent));
    assert_eq!(Key::from_dom("k").and_then(controls::command_for), Some(Command::SelectPrevEvent), "the page's k");
    assert_eq!(controls::keys_label(Command::SelectPrevEvent), "k");
    assert_eq!(controls::keys_label(Command::SelectNextEvent), "j");
    // J and K scroll the terminal's Why pane: a capital is another key.
    assert_eq!(controls::command_for(Key::Char('K')), None);
    assert_eq!(controls::command_for(Key::Char('J')), None);
    for c in SELECT {
        let control = controls::control(c);
        assert_eq!(control.name, "event", "{c:?}: the word the terminal's key bar has always shown");
        assert!(control.in_bar, "{c:?}");
    }
    assert_eq!(controls::control(Command::SelectPrevEvent).help, "select the previous history event");
    assert_eq!(controls::control(Command::SelectNextEvent).help, "select the next history event");
    // Listed right after the moves in time: first moving to a moment, then pointing at one of its events.
    let at = |c| CONTROLS.iter().position(|x| x.command == c).unwrap();
    assert_eq!((at(Command::SelectPrevEvent), at(Command::SelectNextEvent)), (at(Command::Last) + 1, at(Command::Last) + 2));
}

#[test]
fn with_no_event_at_the_cursor_there_is_nothing_to_select_in_the_same_words_everywhere() {
    let mut s = Session::new(SessionConfig::default());
    for c in SELECT {
        assert_eq!(
            controls::availability(c, &s),
            Availability::Unavailable("no events at this moment: nothing to select".into()),
            "{c:?} on an empty session"
        );
    }
    assert_eq!(NOTHING_TO_SELECT, "no events at this moment: nothing to select");
    s.auto_run = false;
    s.perform(Session::workshop_start()).unwrap();
    for c in SELECT {
        assert!(controls::availability(c, &s).is_available(), "{c:?} with the start's events");
    }
    s.perform(Action::Run).unwrap();
    // Back at the start of the timeline the history is empty again, though later steps exist.
    s.seek(0);
    for c in SELECT {
        assert_eq!(controls::availability(c, &s), Availability::Unavailable(NOTHING_TO_SELECT.into()), "{c:?} at step 0");
    }
    // A closed workflow's events are still there to point at.
    s.seek(s.timeline().len());
    s.perform(controls::terminate_action("done")).unwrap();
    for c in SELECT {
        assert!(controls::availability(c, &s).is_available(), "{c:?} after a terminate");
    }
}

#[test]
fn an_imported_history_can_be_stepped_through_event_by_event() {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    let json = s.history_json();
    let imported = Session::import_history(SessionConfig::default(), &json).unwrap();
    for c in SELECT {
        assert!(controls::availability(c, &imported).is_available(), "{c:?} on an import");
    }
}
