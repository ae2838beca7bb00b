//! Widgets shared by several pages.

pub mod empty_state;
pub mod layout;
pub mod page_header;
