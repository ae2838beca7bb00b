//! Form pieces shared by the console's forms: a labelled input or text area with the server's
//! message for it (right under it) and its hint, the banner for errors that belong to no
//! field, and the Save / Cancel row.
//!
//! Guarantees: every control has a real `<label for>`; a field's error is rendered next to it
//! and tied to the control with `aria-describedby` and `aria-invalid`; the initial value is an
//! HTML attribute (it reaches server-rendered HTML) and is never rewritten afterwards, so what
//! a person typed stays in the control when a save is refused.

use leptos::prelude::*;

use crate::domain::AppError;

/// The id of the control for the form field `name` (also the prefix of its hint and error ids).
pub fn control_id(name: &str) -> String {
    format!("field-{}", name.replace(['[', ']', '/'], "-"))
}

/// The server's message for `field`, if the last error was about it.
fn message_for(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.message_for(field))))
}

/// `aria-describedby` for a control with an optional error and an optional hint.
fn described_by(id: &str, has_hint: bool, has_error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if has_error {
        ids.push(format!("{id}-error"));
    }
    if has_hint {
        ids.push(format!("{id}-hint"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A one-line input with its label, hint and error.
#[component]
pub fn TextField(
    /// The label's exact text.
    label: &'static str,
    /// The form field name, which is also the `field` the server names in its errors.
    name: &'static str,
    /// The value the control starts with (what is stored, or empty).
    #[prop(into, optional)]
    value: String,
    /// The last error the save returned.
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let id = control_id(name);
    let message = message_for(error, name);
    let has_hint = hint.is_some();
    let describedby = {
        let id = id.clone();
        move || described_by(&id, has_hint, message.with(Option::is_some))
    };
    view! {
        <div class="field" class:has-error=move || message.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                autofocus=autofocus
                aria-invalid=move || message.with(Option::is_some).then_some("true")
                aria-describedby=describedby
            />
            <FieldError id=id.clone() message />
            <Hint id hint />
        </div>
    }
}

/// A multi-line text area with its label, hint and error.
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    #[prop(into, optional)] value: String,
    error: Signal<Option<AppError>>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(default = 3)] rows: u32,
) -> impl IntoView {
    let id = control_id(name);
    let message = message_for(error, name);
    let has_hint = hint.is_some();
    let describedby = {
        let id = id.clone();
        move || described_by(&id, has_hint, message.with(Option::is_some))
    };
    view! {
        <div class="field" class:has-error=move || message.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id.clone()
                name=name
                rows=rows
                aria-invalid=move || message.with(Option::is_some).then_some("true")
                aria-describedby=describedby
            >
                {value}
            </textarea>
            <FieldError id=id.clone() message />
            <Hint id hint />
        </div>
    }
}

#[component]
fn Hint(id: String, hint: Option<String>) -> impl IntoView {
    hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })
}

/// The message for one field, right under it: the console's one field error. `id` is the
/// control's id; `field` (the field's path, as the server names it) goes in `data-field`.
#[component]
pub fn FieldError(
    #[prop(into)] id: String,
    message: Signal<Option<String>>,
    #[prop(into, optional)] field: Option<String>,
) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! { <p class="field-error" role="alert" id=format!("{id}-error") data-field=field.clone()>{m}</p> }
        })
    }
}

/// Field errors as (field path, message): what a form that checks in the browser first found,
/// or the one error the server returned. The empty path is the form's own error.
pub type FieldErrors = RwSignal<Vec<(String, String)>>;

/// The [`FieldError`] of `field` in a list of [`FieldErrors`].
#[component]
pub fn ListedError(errors: FieldErrors, #[prop(into)] field: String) -> impl IntoView {
    let path = field.clone();
    let message = Signal::derive(move || {
        errors.with(|e| e.iter().find(|(f, _)| *f == path).map(|(_, m)| m.clone()))
    });
    view! { <FieldError id=control_id(&field) message field /> }
}

/// The error of [`FieldErrors`] that belongs to no field, above the form.
#[component]
pub fn ListedFormError(errors: FieldErrors) -> impl IntoView {
    move || {
        errors
            .with(|e| e.iter().find(|(f, _)| f.is_empty()).map(|(_, m)| m.clone()))
            .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    }
}

/// The error for a fieldset (a group of checkboxes), keyed like [`TextField`] by `name`.
#[component]
pub fn GroupError(name: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    view! { <FieldError id=control_id(name) message=message_for(error, name) /> }
}

/// The `aria-describedby` value for a fieldset whose error is a [`GroupError`] of `name`.
pub fn group_error_id(name: &str) -> String {
    format!("{}-error", control_id(name))
}

/// An error that belongs to none of `fields` (no field at all, a session that ended, a server
/// failure), shown above the form.
#[component]
pub fn FormError(
    error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

/// The row of Save (submits the form) and Cancel (back to `cancel_href`).
#[component]
pub fn FormActions(
    cancel_href: &'static str,
    /// True while the save is in flight (JavaScript on): Save is disabled meanwhile.
    #[prop(into)]
    pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                "Save"
            </button>
            <a class="btn" href=cancel_href>"Cancel"</a>
            <span class="muted saving" aria-live="polite">
                {move || pending.get().then_some("Saving…")}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_are_plain_for_every_field_name() {
        assert_eq!(control_id("system_id"), "field-system_id");
        assert_eq!(control_id("capabilities[]"), "field-capabilities--");
    }

    #[test]
    fn a_control_is_described_by_its_error_and_then_its_hint() {
        assert_eq!(described_by("f", false, false), None);
        assert_eq!(described_by("f", true, false).as_deref(), Some("f-hint"));
        assert_eq!(
            described_by("f", true, true).as_deref(),
            Some("f-error f-hint")
        );
    }
}
