//! Widgets shared by several pages.

pub mod charts;
pub mod confirm_dialog;
pub mod empty_state;
pub mod field;
pub mod form;
pub mod layout;
pub mod list_controls;
pub mod notification_matrix;
pub mod page_header;
pub mod timestamp;
