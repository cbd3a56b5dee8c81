//! A confirmation dialog for destructive actions, on the browser's modal `<dialog>`:
//! focus moves into it and is trapped there, Escape closes it, the page behind is inert.

use leptos::html;
use leptos::prelude::*;

/// Asks before doing something that cannot be undone. The page owns `open` and the
/// action; this shows the question, the action's progress and its failure.
#[component]
pub fn ConfirmDialog(
    /// Shown while `true`; Escape, Cancel and a finished action set it to `false`.
    open: RwSignal<bool>,
    /// The question, naming the object ("Delete stream Ab3xY-k9PqZ?").
    #[prop(into)]
    title: Signal<String>,
    /// What will happen, in a sentence or two.
    #[prop(into)]
    message: Signal<String>,
    /// The confirming button's text ("Delete stream").
    confirm_label: &'static str,
    /// Runs the action; the page closes the dialog (`open.set(false)`) when it succeeds.
    #[prop(into)]
    on_confirm: Callback<()>,
    /// The action is running: both buttons are disabled.
    #[prop(into)]
    pending: Signal<bool>,
    /// Why the action failed, shown inside the dialog.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// `data-testid` of the dialog; buttons get `<testid>-confirm` / `<testid>-cancel`.
    testid: &'static str,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move || {
        let Some(el) = dialog.get() else { return };
        if open.get() {
            if !el.open() {
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });
    let title_id = format!("{testid}-title");
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby=title_id.clone()
            data-testid=testid
            // Escape (or the browser closing it any other way) ends the question.
            on:close=move |_| open.set(false)
        >
            <h2 class="dialog-title" id=title_id.clone()>
                {move || title.get()}
            </h2>
            <p class="dialog-message">{move || message.get()}</p>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="dialog-error" role="alert" data-testid=format!("{testid}-error")>
                                {e}
                            </p>
                        }
                    })
            }}
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid=format!("{testid}-cancel")
                    disabled=move || pending.get()
                    on:click=move |_| open.set(false)
                >
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button-danger"
                    data-testid=format!("{testid}-confirm")
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if pending.get() { "Working…" } else { confirm_label }}
                </button>
            </div>
        </dialog>
    }
}
