//! Domain values that parse, and entities with their pure state transitions.

pub mod api_token;
pub mod authorization;
pub mod check_char;
pub mod classification;
pub mod edition;
pub mod invalid;
pub mod negative_list;
pub mod organization;
pub mod product;
pub mod query_code;
pub mod region;
pub mod registration;
pub mod resource;
pub mod resource_code;
pub mod uscc;

pub use classification::{Grade, GradeLevel, OpenType, ShareType, UpdateFrequency};
pub use invalid::InvalidValue;
pub use query_code::QueryCode;
pub use region::{RegionCode, RegionLevel};
pub use resource_code::ResourceCode;
pub use uscc::Uscc;
