//! OpenAPI schemas that the derive cannot state, built from the constants the parsers
//! use (lengths, bounds, allowed values), so the document and the rules cannot drift.
//!
//! utoipa's derive takes only literals and has no length bounds for a newtype, no enum of
//! numbers and no `additionalProperties` on a type that deserialises through another; the
//! types concerned write their schema with `schema!` and these helpers instead. The
//! helpers exist only with the `openapi` feature; this module holds no rule of its own.

/// Implements `utoipa::ToSchema` for `$ty` (with the `openapi` feature) as `$schema`,
/// registering the types listed after it, which it refers to by `$ref`:
/// `schema!(Tags, list_of::<Tag>(…), [Tag]);`.
macro_rules! schema {
    ($ty:ty, $schema:expr $(, [$($referenced:ty),+])? $(,)?) => {
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $schema.into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {
            fn schemas(
                _schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                $($($crate::openapi::register::<$referenced>(_schemas);)+)?
            }
        }
    };
}
pub(crate) use schema;

#[cfg(feature = "openapi")]
pub(crate) use builders::*;

#[cfg(feature = "openapi")]
mod builders {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, Schema, SchemaFormat};
    use utoipa::openapi::{Ref, RefOr};
    use utoipa::ToSchema;

    pub(crate) use utoipa::openapi::schema::{KnownFormat, Type};
    pub(crate) use utoipa::openapi::ObjectBuilder;

    /// Adds `T` and everything it refers to, for a hand-written `ToSchema::schemas`.
    pub(crate) fn register<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into(), T::schema()));
        T::schemas(schemas);
    }

    /// A string.
    pub(crate) fn string(description: &str) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
    }

    /// A string of `min..=max` characters (Unicode scalar values, as JSON Schema counts).
    pub(crate) fn text(description: &str, min: usize, max: usize) -> ObjectBuilder {
        string(description)
            .min_length((min > 0).then_some(min))
            .max_length(Some(max))
    }

    /// A well-known `format`.
    pub(crate) fn format(known: KnownFormat) -> Option<SchemaFormat> {
        Some(SchemaFormat::KnownFormat(known))
    }

    /// The `uri` format (utoipa names it only with its `url` feature).
    pub(crate) fn uri() -> Option<SchemaFormat> {
        Some(SchemaFormat::Custom("uri".into()))
    }

    /// `additionalProperties: false`: no properties but the listed ones.
    pub(crate) fn closed() -> Option<AdditionalProperties<Schema>> {
        Some(AdditionalProperties::FreeForm(false))
    }

    /// `T` by reference (`$ref`); `T` must be registered too.
    pub(crate) fn reference<T: ToSchema>() -> RefOr<Schema> {
        Ref::from_schema_name(T::name()).into()
    }

    /// A list of `T` (by reference) of `min..=max` items.
    pub(crate) fn list_of<T: ToSchema>(description: &str, min: usize, max: usize) -> ArrayBuilder {
        ArrayBuilder::new()
            .items(reference::<T>())
            .description(Some(description))
            .min_items((min > 0).then_some(min))
            .max_items(Some(max))
    }

    /// A whole number in `min..=max`.
    pub(crate) fn bounded(min: u32, max: u32) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min))
            .maximum(Some(max))
    }
}
