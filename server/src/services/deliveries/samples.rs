//! Realistic sample events for every (channel, event) of the matrix, shaped like the platform's
//! notifications (research notes §4): delivery receipts in the `deliveryInfoNotification`
//! envelope, incoming messages and events as flat objects.
//!
//! Guarantees: labels, `deliveryStatus` values and `deliveryChannel` values come from
//! `app::domain::channels::CHANNELS` (the one source); every pair the matrix has gets a sample;
//! fresh ids and the current time make each sample unique.

use app::domain::channels::{ChannelDef, EntityKind, EventDef, CHANNELS};
use serde_json::{json, Value};

/// Every (channel, event, entity kind) the matrix offers.
pub fn all_pairs() -> Vec<(&'static ChannelDef, &'static EventDef, EntityKind)> {
    CHANNELS
        .iter()
        .flat_map(|c| {
            EntityKind::ALL
                .into_iter()
                .flat_map(move |k| c.events_for(k).iter().map(move |e| (c, e, k)))
        })
        .collect()
}

/// A sample payload for this pair, or `None` when the matrix does not have it.
pub fn sample(channel: &str, event: &str) -> Option<Value> {
    all_pairs()
        .into_iter()
        .find(|(c, e, _)| c.label == channel && e.label == event)
        .map(|(c, e, k)| payload(c, e, k))
}

fn payload(c: &ChannelDef, e: &EventDef, kind: EntityKind) -> Value {
    match kind {
        EntityKind::Service => receipt(c, e),
        EntityKind::Number => incoming_on_number(c),
        EntityKind::App => app_event(c, e),
    }
}

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// A delivery receipt: the common envelope with the channel's extras (research notes §4.1).
fn receipt(c: &ChannelDef, e: &EventDef) -> Value {
    let channel = c.delivery_channel.unwrap_or(c.label);
    let (code, description) = receipt_code(e.payload_value);
    let (destination, destination_type) = match channel {
        "whatsapp" => ("491701234567", "waid"),
        "email" => ("jane.roe@example.org", "email"),
        "push" => ("cust-5521", "userid"),
        "rt" => ("cust-5521", "customerid"),
        "fb" => ("5566778899001122", "psid"),
        "applebusinesschat" => ("urn:mbid:EXAMPLEONLYAAAAbbbbCCCC=", "applebusinesschat"),
        _ => ("+14155550142", "msisdn"),
    };
    let mut info = json!({
        "timeStamp": now(), "Description": description, "code": code,
        "deliveryChannel": channel, "additionalInfo": "", "destination": destination,
        "destinationType": destination_type, "deliveryStatus": e.payload_value,
    });
    match channel {
        "SMS" if matches!(e.payload_value, "Delivered" | "Failed") => {
            info["messageCount"] = json!("1");
        }
        "whatsapp" => {
            info["waid"] = json!(destination);
            info["waidNormalized"] = json!("false");
        }
        "mms" => info["sentAs"] = json!("MMS"),
        _ => {}
    }
    let mut envelope = json!({ "deliveryInfoNotification": {
        "deliveryInfo": info, "subtid": "", "transid": id(),
        "callbackData": "sample", "correlationid": "test-event",
    }});
    match channel {
        "SMS" => envelope["deliveryInfoNotification"]["carrier"] = json!("USTMO"),
        "rcs" => {
            envelope["deliveryInfoNotification"]["carrier"] = json!("12");
            envelope["deliveryInfoNotification"]["serviceProvider"] = json!("GOOGLE");
        }
        "voice" => envelope["deliveryTransInfo"] = json!("<release><cause>16</cause></release>"),
        _ => {}
    }
    envelope
}

/// Representative platform codes per status (research notes §4.1 and §5).
fn receipt_code(status: &str) -> (&'static str, &'static str) {
    match status {
        "Submitted" | "Submited" => ("7501", "Submitted"),
        "Delivered" => ("7500", "Delivered"),
        "Read" => ("7502", "Read"),
        "Un-Delivered" => ("7207", "Subscriber out of coverage area or not reachable"),
        "Clicked" => ("7528", "https://shop.example.com/offer|198.51.100.7"),
        "OFFERED" => ("7407", "Call offered"),
        "ACCEPTED" => ("7408", "Call accepted"),
        "ANSWERED" => ("7519", "Answered"),
        "DROPPED" => ("7409", "Call dropped"),
        "REJECTED" => ("7402", "Customer busy"),
        "Released" => ("7405", "Release"),
        "DISCONNECTED" => ("7410", "Disconnected"),
        "TROMBONE_CONNECTED" => ("7411", "Trombone connected"),
        "TROMBONE_RELEASED" => ("7412", "Trombone released"),
        "Bounce" => ("7520", "Transient_MailboxFull"),
        "Complaint" => ("7521", "Complaint"),
        "Not Verified" => ("7522", "Not Verified"),
        "Invalid" => ("7523", "Invalid"),
        "SUBSCRIBE" => ("7530", "Subscribed"),
        "UNSUBSCRIBE" => ("7531", "Unsubscribed"),
        _ => ("7005", "Message failed at vendor"),
    }
}

/// Incoming traffic on a number (research notes §4.2: SMS, MMS, incoming call events).
fn incoming_on_number(c: &ChannelDef) -> Value {
    match c.label {
        "Voice" => json!({
            "event": "ACCEPTED", "callerId": "+14155550123", "dialedNumber": "+18005550100",
            "offeredTime": now(), "eventTime": now(), "sessionId": id(),
        }),
        "MMS" => json!({
            "channel": "MMS", "da": "+18005550100", "oa": "+14155550123",
            "message": "[{\"file\":\"https://media.example.com/mms/photo.jpg\"}]",
            "tid": id(), "ts": now(),
        }),
        _ => json!({
            "userId": "30412", "channel": "SMS", "da": "60777", "message_source": "SMS",
            "oa": "447700900321", "message": "STOP ALERTS", "messageCount": "1", "tid": id(),
            "datetime": now(), "ts": now(), "x_networkid": "GBEE",
        }),
    }
}

/// App events (research notes §4.2), per channel and event.
fn app_event(c: &ChannelDef, e: &EventDef) -> Value {
    let app_id = "a_1731000000000000001";
    match (c.label, e.label) {
        ("WhatsApp", _) => json!({
            "userId": "", "username": "Priya", "channel": "WhatsApp", "appId": app_id,
            "event": "MO", "waid": "919800011122", "message": "Is my order shipped?",
            "type": "text", "ts": now(), "tid": id(), "identityKeyHash": "dGVzdGhhc2g=",
            "bsuid": "IN.1234567890123456", "userHandle": "", "waidDerived": "false",
        }),
        ("RCS", _) => json!({
            "channel": "rcs", "msisdn": "+14155550199", "appId": app_id, "event": "MO",
            "message": "Hello", "messageId": id(), "ts": now(), "tid": id(),
            "serviceProvider": "GOOGLE", "carrier": "12",
        }),
        ("Messenger", _) => json!({
            "userId": "", "channel": "Facebook", "appId": app_id, "event": "MO",
            "psid": "5566778899001122", "message": "Hi there", "attachments": "",
            "locale": "en_GB", "ts": now(), "timeStamp": now(), "tid": format!("{}_0", id()),
        }),
        ("Email", _) => json!({
            "channel": "email", "event": "Inbound Message", "from": "jane.roe@example.org",
            "to": "[\"support@example.com\"]", "subject": "Order 88213",
            "textMessage": "Where is my parcel?", "htmlMessage": "<p>Where is my parcel?</p>",
            "attachments": [], "tid": id(), "messageId": format!("<{}@example.org>", id()),
            "returnPath": "jane.roe@example.org", "ts": now(), "appId": app_id, "userId": "",
        }),
        ("Push", _) => json!({
            "channel": "push", "appId": app_id, "event": "MO", "userId": "cust-5521",
            "message": "Opened the offer", "deviceid": id(), "ts": now(), "tid": id(),
        }),
        ("Apple Messages for Business", "Invitation Response") => json!({
            "abcUserId": "urn:mbid:EXAMPLEONLYAAAAbbbbCCCCddddEEEE=", "channel": "AppleBusinessChat",
            "abcAccountId": id(), "appId": app_id, "event": "InvitationResponse", "ts": now(),
            "tid": id(), "msisdn": "+447700900555", "requestIdentifier": "tel:+447700900555",
            "invitationAccepted": "true",
            "invitationResponse": "{\"notification\":{\"id\":\"yes\"},\"version\":\"1\"}",
            "locale": "en_GB", "capabilityList": "AUTH%2CLIST%2CTIME%2CFORM%2CQUICK",
        }),
        ("Apple Messages for Business", _) => json!({
            "abcUserId": "urn:mbid:EXAMPLEONLYAAAAbbbbCCCCddddEEEE=", "channel": "AppleBusinessChat",
            "abcAccountId": id(), "appId": app_id, "event": "MO", "ts": now(), "tid": id(),
            "message": "Can I change my delivery date?", "attachments": "", "locale": "en_GB",
            "capabilityList": "AUTH%2CLIST%2CTIME%2CFORM%2CQUICK",
        }),
        (_, event) => in_app(app_id, event),
    }
}

/// In-App Messaging / Live Chat events (research notes §4.2, "Rtm").
fn in_app(app_id: &str, event: &str) -> Value {
    let thread_id = id();
    let code = match event {
        "Postback" => "OnPostback",
        "Thread Closed" => "OnThreadClosed",
        "Typing Indicator" => "TypingIndicator",
        "Custom Events" => "OrderTracked",
        _ => "MO",
    };
    let mut v = json!({
        "channel": "Rtm", "event": code, "appId": app_id, "userId": "5521", "tid": id(),
        "transid": id(), "clientId": format!("{app_id}/7788/v2_0f1e2d3c4b5a6978"),
        "clientUUID": id(), "x-wx-gtrid": id(), "ts": now(),
        "thread": format!("{{\"id\":\"{thread_id}\",\"title\":\"Order help\",\"type\":\"Conversation\",\"status\":\"Active\",\"unread_msg_count\":0}}"),
        "thread_id": thread_id, "thread_title": "Order help", "message": "Where is my parcel?",
        "attachments": "", "extras": "", "replyTo": "",
        "dataIntegration": { "context": { "serviceId": "", "serviceName": "", "flowId": "",
            "flowName": "", "messagingAPI": "false" }, "appContext": {} },
    });
    match code {
        "OnPostback" => {
            v["interactiveData"] = json!("{\"type\":\"quickReply\",\"payload\":\"TRACK\"}")
        }
        "OnThreadClosed" => v["status"] = json!("Closed"),
        "TypingIndicator" => v["message"] = json!(""),
        _ => {}
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_the_matrix_has_a_sample_object() {
        let pairs = all_pairs();
        assert!(pairs.len() > 60, "{}", pairs.len());
        for (c, e, _) in pairs {
            let v = sample(c.label, e.label).unwrap();
            assert!(v.is_object(), "{} {}", c.label, e.label);
        }
        assert!(sample("SMS", "Opened").is_none());
    }

    #[test]
    fn receipts_carry_the_matrix_payload_values_and_delivery_channels() {
        for c in CHANNELS {
            for e in c.receipts {
                let v = sample(c.label, e.label).unwrap();
                let info = &v["deliveryInfoNotification"]["deliveryInfo"];
                assert_eq!(
                    info["deliveryStatus"], e.payload_value,
                    "{} {}",
                    c.label, e.label
                );
                if let Some(dc) = c.delivery_channel {
                    assert_eq!(info["deliveryChannel"], dc);
                }
            }
        }
        let v = sample("SMS", "Undelivered").unwrap();
        assert_eq!(
            v["deliveryInfoNotification"]["deliveryInfo"]["deliveryStatus"],
            "Un-Delivered"
        );
    }

    #[test]
    fn incoming_events_are_flat_objects_of_their_channel() {
        assert_eq!(
            sample("SMS", "Incoming Message").unwrap()["oa"],
            "447700900321"
        );
        assert_eq!(
            sample("Voice", "Incoming Call Events").unwrap()["event"],
            "ACCEPTED"
        );
        let closed = sample("In-App Messaging / Live Chat", "Thread Closed").unwrap();
        assert_eq!(closed["event"], "OnThreadClosed");
        let invite = sample("Apple Messages for Business", "Invitation Response").unwrap();
        assert_eq!(invite["event"], "InvitationResponse");
    }
}
