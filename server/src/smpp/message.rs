//! The `deliver_sm` that forwards one incoming SMS (CONTRACT §4 "SMPP").
//!
//! Guarantees: the source is the payload's `oa`, the destination its `da`, the text its
//! `message` (research notes §4.2); a text the GSM 03.38 default alphabet holds goes as one octet
//! per character (`data_coding` 0, the extension table behind its escape), any other as UCS-2
//! (`data_coding` 8, UTF-16 big-endian); a text that fits one SMS (160 septets, or 70 UCS-2
//! characters) is the `short_message`, a longer one the `message_payload` TLV with an empty
//! `short_message` (never both, SMPP 3.4 §5.3.2.32). A payload that cannot make a valid PDU is an
//! error, never a truncated message.

use rusmpp::{
    pdus::DeliverSm,
    tlvs::MessageDeliveryRequestTlvValue,
    types::{AnyOctetString, COctetString, OctetString},
    values::{DataCoding, MessagePayload, Npi, Ton},
};

/// The GSM 03.38 default alphabet, by code (0x1B is the escape to the extension table).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                         ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each character is sent as the escape then this code.
const GSM_EXTENSION: &[(char, u8)] = &[
    ('\u{c}', 0x0A),
    ('^', 0x14),
    ('{', 0x28),
    ('}', 0x29),
    ('\\', 0x2F),
    ('[', 0x3C),
    ('~', 0x3D),
    (']', 0x3E),
    ('|', 0x40),
    ('€', 0x65),
];
const GSM_ESCAPE: u8 = 0x1B;

/// Septets in one SMS of the default alphabet, octets in one of UCS-2.
pub const SINGLE_SMS_SEPTETS: usize = 160;
pub const SINGLE_SMS_UCS2_OCTETS: usize = 140;
/// Longest address SMPP carries (`source_addr`, `destination_addr`: 21 octets with the NUL).
const ADDRESS_MAX: usize = 20;
/// Longest `message_payload` accepted (SMPP 3.4 allows 64 KiB; a text of an incoming SMS is far
/// shorter, so anything near this is not a message).
const PAYLOAD_MAX: usize = 8 * 1024;

/// Why a payload cannot be forwarded (the delivery fails: sending it again cannot help).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the payload is not a JSON object")]
    NotAnObject,
    #[error("the payload has no text field \"{0}\"")]
    Missing(&'static str),
    #[error("\"{0}\" is not an address SMPP can carry (1–20 printable ASCII characters)")]
    BadAddress(&'static str),
    #[error("the message is longer than {PAYLOAD_MAX} octets once encoded")]
    TooLong,
}

/// A built `deliver_sm` and what the attempt log says of it.
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub pdu: DeliverSm,
    /// 0 (default alphabet) or 8 (UCS-2).
    pub data_coding: u8,
    /// `short_message` or `message_payload`.
    pub field: &'static str,
    /// Octets of the encoded text.
    pub octets: usize,
}

/// The `deliver_sm` for the incoming SMS whose payload (the event's exact bytes) is `payload`.
pub fn deliver_sm(payload: &[u8]) -> Result<Forwarded, MessageError> {
    let value: serde_json::Value =
        serde_json::from_slice(payload).map_err(|_| MessageError::NotAnObject)?;
    let object = value.as_object().ok_or(MessageError::NotAnObject)?;
    let text = |key: &'static str| {
        object
            .get(key)
            .and_then(|v| v.as_str())
            .ok_or(MessageError::Missing(key))
    };
    let (oa, da, message) = (text("oa")?, text("da")?, text("message")?);
    let (source_ton, source_npi, source) = address("oa", oa)?;
    let (dest_ton, dest_npi, destination) = address("da", da)?;
    let (data_coding, code, encoded, fits) = match gsm_default(message) {
        Some(octets) => {
            let fits = octets.len() <= SINGLE_SMS_SEPTETS;
            (DataCoding::McSpecific, 0, octets, fits)
        }
        None => {
            let octets: Vec<u8> = message.encode_utf16().flat_map(u16::to_be_bytes).collect();
            let fits = octets.len() <= SINGLE_SMS_UCS2_OCTETS;
            (DataCoding::Ucs2, 8, octets, fits)
        }
    };
    if encoded.len() > PAYLOAD_MAX {
        return Err(MessageError::TooLong);
    }
    let octets = encoded.len();
    let builder = DeliverSm::builder()
        .source_addr_ton(source_ton)
        .source_addr_npi(source_npi)
        .source_addr(source)
        .dest_addr_ton(dest_ton)
        .dest_addr_npi(dest_npi)
        .destination_addr(destination)
        .data_coding(data_coding);
    let (pdu, field) = if fits {
        let short = OctetString::from_slice(&encoded).map_err(|_| MessageError::TooLong)?;
        (builder.short_message(short).build(), "short_message")
    } else {
        let tlv = MessageDeliveryRequestTlvValue::MessagePayload(MessagePayload::new(
            AnyOctetString::from_slice(&encoded),
        ));
        (builder.push_tlv(tlv).build(), "message_payload")
    };
    Ok(Forwarded {
        pdu,
        data_coding: code,
        field,
        octets,
    })
}

/// An address as SMPP carries it: an international number (a leading `+`, dropped, or 9 and
/// more digits) is TON international / NPI ISDN; a short code or anything else is unknown/unknown.
fn address(key: &'static str, raw: &str) -> Result<(Ton, Npi, COctetString<1, 21>), MessageError> {
    let bad = || MessageError::BadAddress(key);
    let trimmed = raw.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if digits.is_empty()
        || digits.len() > ADDRESS_MAX
        || !digits.bytes().all(|b| (0x20..=0x7e).contains(&b))
    {
        return Err(bad());
    }
    let international = digits.bytes().all(|b| b.is_ascii_digit())
        && (trimmed.starts_with('+') || digits.len() >= 9);
    let (ton, npi) = if international {
        (Ton::International, Npi::Isdn)
    } else {
        (Ton::Unknown, Npi::Unknown)
    };
    let value = COctetString::from_string(digits.to_owned()).map_err(|_| bad())?;
    Ok((ton, npi, value))
}

/// `text` in the GSM 03.38 default alphabet, one octet per septet (extension characters as the
/// escape and their code), or `None` when a character is not in it.
pub fn gsm_default(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Some(code) = GSM_BASIC.chars().position(|g| g == c) {
            // The escape itself is no character of a text.
            if code == usize::from(GSM_ESCAPE) {
                return None;
            }
            out.push(code as u8);
        } else if let Some((_, code)) = GSM_EXTENSION.iter().find(|(g, _)| *g == c) {
            out.extend_from_slice(&[GSM_ESCAPE, *code]);
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusmpp::tlvs::TlvValue;

    fn payload(message: &str) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "channel": "SMS", "oa": "447700900321", "da": "60777", "message": message
        }))
        .unwrap()
    }

    fn message_payload(pdu: &DeliverSm) -> Option<Vec<u8>> {
        pdu.tlvs().iter().find_map(|t| match t.value() {
            Some(TlvValue::MessagePayload(p)) => Some(p.value.to_vec()),
            _ => None,
        })
    }

    #[test]
    fn the_basic_table_has_the_128_codes_of_the_default_alphabet() {
        assert_eq!(GSM_BASIC.chars().count(), 128);
        assert_eq!(GSM_BASIC.chars().nth(0x41), Some('A'));
        assert_eq!(GSM_BASIC.chars().nth(0x61), Some('a'));
        assert_eq!(GSM_BASIC.chars().nth(0x5F), Some('§'));
    }

    #[test]
    fn ascii_text_goes_in_the_default_alphabet_as_the_short_message() {
        let f = deliver_sm(&payload("STOP ALERTS")).unwrap();
        assert_eq!(f.data_coding, 0);
        assert_eq!(f.field, "short_message");
        assert_eq!(f.pdu.short_message().to_vec(), b"STOP ALERTS".to_vec());
        assert_eq!(f.pdu.source_addr.as_str(), "447700900321");
        assert_eq!(f.pdu.source_addr_ton, Ton::International);
        assert_eq!(f.pdu.destination_addr.as_str(), "60777");
        assert_eq!(f.pdu.dest_addr_ton, Ton::Unknown);
        assert!(message_payload(&f.pdu).is_none());
    }

    #[test]
    fn default_alphabet_characters_take_their_gsm_codes() {
        assert_eq!(gsm_default("@£$_"), Some(vec![0x00, 0x01, 0x02, 0x11]));
        assert_eq!(
            gsm_default("a€[").unwrap(),
            vec![0x61, 0x1B, 0x65, 0x1B, 0x3C]
        );
        assert_eq!(gsm_default("ü"), Some(vec![0x7E]));
        assert_eq!(gsm_default("Привет"), None);
        assert_eq!(gsm_default("\u{1b}"), None);
    }

    #[test]
    fn text_outside_the_default_alphabet_goes_as_ucs2() {
        let f = deliver_sm(&payload("Привет 👋")).unwrap();
        assert_eq!(f.data_coding, 8);
        assert_eq!(f.field, "short_message");
        let expected: Vec<u8> = "Привет 👋"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(f.pdu.short_message().to_vec(), expected);
    }

    #[test]
    fn a_text_longer_than_one_sms_goes_in_message_payload() {
        let at_limit = "x".repeat(160);
        assert_eq!(
            deliver_sm(&payload(&at_limit)).unwrap().field,
            "short_message"
        );
        let long = "y".repeat(161);
        let f = deliver_sm(&payload(&long)).unwrap();
        assert_eq!(f.field, "message_payload");
        assert_eq!(f.data_coding, 0);
        assert!(f.pdu.short_message().is_empty());
        assert_eq!(message_payload(&f.pdu).unwrap(), long.as_bytes());
        let ucs2 = "é".repeat(10) + &"ж".repeat(61);
        let f = deliver_sm(&payload(&ucs2)).unwrap();
        assert_eq!(
            (f.field, f.data_coding, f.octets),
            ("message_payload", 8, 142)
        );
    }

    #[test]
    fn a_payload_without_its_fields_or_with_bad_addresses_is_refused() {
        assert_eq!(deliver_sm(b"[1]").unwrap_err(), MessageError::NotAnObject);
        let no_da = br#"{"oa":"447700900321","message":"hi"}"#;
        assert_eq!(deliver_sm(no_da).unwrap_err(), MessageError::Missing("da"));
        let long_oa = serde_json::to_vec(&serde_json::json!({
            "oa": "1".repeat(21), "da": "60777", "message": "hi"
        }))
        .unwrap();
        assert_eq!(
            deliver_sm(&long_oa).unwrap_err(),
            MessageError::BadAddress("oa")
        );
        let plus = br#"{"oa":"+447700900321","da":"60777","message":"hi"}"#;
        assert_eq!(
            deliver_sm(plus).unwrap().pdu.source_addr.as_str(),
            "447700900321"
        );
    }
}
