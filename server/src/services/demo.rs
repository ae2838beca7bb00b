//! `--demo-data`: on a database without assets, a realistic set of services, numbers, apps and
//! ESME binds, so a newcomer sees a working console at once. Added through the same service
//! layer as everything else, so demo rows obey every rule. Numbers are from reserved fictional
//! ranges (NANP 555-01xx, Ofcom drama numbers).

use app::{
    domain::assets::{AppInput, EsmeBindInput, NumberInput, ServiceInput},
    services::AssetService,
};

use super::unexpected;
use crate::store::Store;

const SERVICES: &[&str] = &[
    "Order Updates",
    "Retail Alerts",
    "OTP Verification",
    "Customer Care",
];

const NUMBERS: &[(&str, &[&str])] = &[
    ("+14155550123", &["SMS", "MMS", "Voice"]),
    ("+14155550188", &["SMS", "MMS"]),
    ("+447700900461", &["SMS", "Voice"]),
    ("+18885550100", &["Voice"]),
    ("56789", &["SMS"]),
];

const APPS: &[(&str, &str)] = &[
    ("Acme Support Chat", "In-App Messaging / Live Chat"),
    ("Acme on WhatsApp", "WhatsApp"),
    ("Acme on Messenger", "Messenger"),
    ("Acme RCS Agent", "RCS"),
    ("Acme Business Chat", "Apple Messages for Business"),
    ("Acme Mail", "Email"),
    ("Acme Mobile Push", "Push"),
];

const ESME_BINDS: &[(&str, &str, &str)] = &[
    ("acme_smsc", "s3cret01", "Acme's own SMSC gateway"),
    (
        "partner_01",
        "p4ssw0rd",
        "Aggregator partner for long codes",
    ),
];

/// Adds the demo assets if the database has none; returns whether it did.
pub async fn seed(
    store: &dyn Store,
    console: &dyn AssetService,
) -> Result<bool, app::domain::AppError> {
    if !store.has_no_assets().await.map_err(unexpected)? {
        return Ok(false);
    }
    for name in SERVICES {
        console
            .save_service(
                None,
                ServiceInput {
                    name: (*name).into(),
                },
            )
            .await?;
    }
    for (number, caps) in NUMBERS {
        let input = NumberInput {
            number: (*number).into(),
            capabilities: caps.iter().map(|c| (*c).into()).collect(),
        };
        console.save_number(None, input).await?;
    }
    for (name, app_type) in APPS {
        console
            .save_app(
                None,
                AppInput {
                    name: (*name).into(),
                    app_type: (*app_type).into(),
                },
            )
            .await?;
    }
    for (system_id, password, description) in ESME_BINDS {
        let input = EsmeBindInput {
            system_id: (*system_id).into(),
            password: Some((*password).into()),
            description: (*description).into(),
        };
        console.save_esme_bind(None, input).await?;
    }
    Ok(true)
}
