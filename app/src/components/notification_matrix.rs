//! The "Which notifications do you want to receive" section of the webhook form: one
//! `<fieldset>` per channel the entity can have (legend = the channel label), one checkbox per
//! event (label = the event label). Decorations stay outside the labels: the Email asterisk
//! after the checkbox's label, "deprecated" after the legend.

use leptos::prelude::*;

use crate::domain::{
    channels::{Section, EMAIL_ASTERISK_NOTE},
    webhook::form::{field, notification_value},
};

/// `ticked` holds (channel, event) label pairs. `kept` are pairs the stored webhook already has:
/// on a deprecated channel only those stay tickable.
#[component]
pub fn NotificationMatrix(
    sections: Signal<Vec<Section>>,
    ticked: RwSignal<Vec<(String, String)>>,
    kept: Vec<(String, String)>,
) -> impl IntoView {
    let kept = StoredValue::new(kept);
    view! {
        <div class="matrix">
            <For
                each=move || sections.get()
                key=|s| s.label()
                children=move |section| {
                    view! { <ChannelFieldset section ticked kept /> }
                }
            />
        </div>
    }
}

#[component]
fn ChannelFieldset(
    section: Section,
    ticked: RwSignal<Vec<(String, String)>>,
    kept: StoredValue<Vec<(String, String)>>,
) -> impl IntoView {
    let channel = section.label();
    let deprecated = section.deprecated();
    let boxes = section
        .events
        .iter()
        .map(|event| {
            // Ids from the labels, not positions: fieldsets are reused as the entity changes.
            let id = format!("n-{}-{}", slug(channel), slug(event.label));
            let label = event.label;
            let pair = (channel.to_owned(), label.to_owned());
            // `checked` for the server-rendered page (without JavaScript, what it posts);
            // `prop:checked` once hydrated.
            let initially = ticked.with_untracked(|t| t.contains(&pair));
            let was_kept = kept.with_value(|k| k.contains(&pair));
            let disabled = deprecated && !was_kept;
            let checked = {
                let pair = pair.clone();
                move || ticked.with(|t| t.contains(&pair))
            };
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                ticked.update(|t| {
                    t.retain(|p| p != &pair);
                    if on {
                        t.push(pair.clone());
                    }
                });
            };
            view! {
                <span class="check">
                    <input
                        type="checkbox"
                        id=id.clone()
                        name=field::NOTIFICATION
                        value=notification_value(channel, label)
                        checked=initially
                        prop:checked=checked
                        disabled=disabled
                        on:change=toggle
                    />
                    <label for=id>{label}</label>
                    {event.asterisk.then(|| view! { <span class="asterisk" aria-hidden="true">"*"</span> })}
                </span>
            }
        })
        .collect_view();
    view! {
        <fieldset class="channel" class:deprecated=deprecated>
            <legend>{channel}</legend>
            {deprecated.then(|| view! { <span class="badge badge-warn">"deprecated"</span> })}
            <div class="checks">{boxes}</div>
            {section.has_asterisks().then(|| view! { <p class="hint">"* "{EMAIL_ASTERISK_NOTE}</p> })}
        </fieldset>
    }
}

/// `In-App Messaging / Live Chat` → `in-app-messaging---live-chat`: safe in an id.
fn slug(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
