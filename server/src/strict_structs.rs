//! A deserializer adapter that refuses a sequence where a struct is expected.
//!
//! serde's derived struct visitors accept a sequence as well as a map (`visit_seq` fills
//! the fields in declaration order), so over plain serde_json the body
//! `{"timecode": [true, 1000]}` would read like `{"timecode": {"enabled": true,
//! "interval_ms": 1000}}`. The API's contract is objects, so [`StrictStructs`] wraps a
//! deserializer at every depth (through options, newtypes, sequences, maps and enums)
//! and makes every `deserialize_struct`, and every struct variant, refuse a sequence
//! with serde's ordinary "invalid type" error.
//!
//! It must change nothing else: every other value reaches the inner deserializer and the
//! caller's visitor untouched, and it does not know about paths —
//! [`deserialize`] composes it with serde_path_to_error, which names the field.
//! Types that buffer their input (`#[serde(untagged)]`, `#[serde(flatten)]`) deserialise
//! their parts from serde's own buffer, out of this adapter's reach; request bodies
//! avoid them.

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use std::fmt;

/// Deserialises a `T` from `de` with structs refused as sequences at every depth; the
/// error carries the path of the offending value.
pub fn deserialize<'de, D, T>(de: D) -> Result<T, serde_path_to_error::Error<D::Error>>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    serde_path_to_error::deserialize(StrictStructs(de))
}

/// Wraps a deserializer so that no struct can be read from a sequence.
pub struct StrictStructs<D>(pub D);

/// Forwards `deserialize_*` methods that take only a visitor, wrapping the visitor.
macro_rules! forward_visitor_only {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap::lenient(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for StrictStructs<D> {
    type Error = D::Error;

    forward_visitor_only! {
        deserialize_any deserialize_bool
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit
        deserialize_seq deserialize_map deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap::lenient(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_newtype_struct(name, Wrap::lenient(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap::lenient(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_tuple_struct(name, len, Wrap::lenient(visitor))
    }

    /// The one change: the struct's visitor refuses a sequence.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_struct(name, fields, Wrap::no_seq(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_enum(name, variants, Wrap::lenient(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor that hands every nested deserializer on wrapped; `no_seq` refuses sequences.
struct Wrap<V> {
    visitor: V,
    no_seq: bool,
}

impl<V> Wrap<V> {
    fn lenient(visitor: V) -> Self {
        Wrap {
            visitor,
            no_seq: false,
        }
    }

    fn no_seq(visitor: V) -> Self {
        Wrap {
            visitor,
            no_seq: true,
        }
    }
}

/// Forwards `visit_*` methods of plain values unchanged.
macro_rules! forward_values {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_values! {
        visit_bool(bool)
        visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64) visit_i128(i128)
        visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64) visit_u128(u128)
        visit_f32(f32) visit_f64(f64) visit_char(char)
        visit_str(&str) visit_borrowed_str(&'de str) visit_string(String)
        visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(StrictStructs(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(StrictStructs(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.no_seq {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        self.visitor.visit_seq(Access(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Access(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(Access(data))
    }
}

/// A sequence, map, enum or variant access whose values are read through the adapter.
struct Access<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(Seed(seed))
            .map(|(value, variant)| (value, Access(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::lenient(visitor))
    }

    /// A struct variant is a struct: it refuses a sequence too.
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap::no_seq(visitor))
    }
}

/// A seed that deserialises through the adapter.
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(StrictStructs(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        a: u32,
        b: bool,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Wrapper(Inner);

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Choice {
        Unit,
        Newtype(Inner),
        Tuple(u32, bool),
        Struct { a: u32 },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Outer {
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
        #[serde(default)]
        map: BTreeMap<String, Inner>,
        #[serde(default)]
        wrapped: Option<Wrapper>,
        #[serde(default)]
        choice: Option<Choice>,
        #[serde(default)]
        pair: Option<(u32, bool)>,
        #[serde(default)]
        numbers: Vec<u32>,
    }

    /// The path and message of the refusal, or the value.
    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, (String, String)> {
        let mut de = serde_json::Deserializer::from_str(json);
        deserialize(&mut de).map_err(|e| (e.path().to_string(), e.inner().to_string()))
    }

    fn refused_at(json: &str) -> String {
        match read::<Outer>(json) {
            Ok(v) => panic!("{json} was accepted as {v:?}"),
            Err((path, message)) => {
                assert!(
                    message.starts_with("invalid type: sequence, expected "),
                    "{json}: {message}"
                );
                path
            }
        }
    }

    #[test]
    fn plain_serde_json_takes_a_struct_from_an_array() {
        // The hole this adapter closes.
        let v: Inner = serde_json::from_str("[1, true]").expect("serde accepts it");
        assert_eq!(v, Inner { a: 1, b: true });
    }

    #[test]
    fn a_struct_given_as_an_array_is_refused_at_its_path() {
        assert_eq!(refused_at("[null, []]"), ".");
        assert_eq!(refused_at(r#"{"inner": [1, true]}"#), "inner");
        assert_eq!(
            refused_at(r#"{"list": [{"a": 1, "b": true}, [2, false]]}"#),
            "list[1]"
        );
        assert_eq!(refused_at(r#"{"map": {"k": [1, true]}}"#), "map.k");
        assert_eq!(refused_at(r#"{"wrapped": [1, true]}"#), "wrapped");
        assert_eq!(
            refused_at(r#"{"choice": {"newtype": [1, true]}}"#),
            "choice.newtype"
        );
        assert_eq!(
            refused_at(r#"{"choice": {"struct": [1]}}"#),
            "choice.struct"
        );
    }

    #[test]
    fn everything_else_reads_as_before() {
        let v: Outer = read(
            r#"{"inner": {"a": 1, "b": true}, "list": [{"a": 2, "b": false}],
                "map": {"k": {"a": 3, "b": true}}, "wrapped": {"a": 4, "b": false},
                "choice": {"tuple": [5, true]}, "pair": [6, false], "numbers": [7, 8]}"#,
        )
        .expect("valid");
        assert_eq!(v.inner, Some(Inner { a: 1, b: true }));
        assert_eq!(v.list, vec![Inner { a: 2, b: false }]);
        assert_eq!(v.map["k"], Inner { a: 3, b: true });
        assert_eq!(v.wrapped, Some(Wrapper(Inner { a: 4, b: false })));
        assert_eq!(v.choice, Some(Choice::Tuple(5, true)));
        assert_eq!(v.pair, Some((6, false)));
        assert_eq!(v.numbers, vec![7, 8]);
        assert_eq!(read::<Choice>(r#""unit""#), Ok(Choice::Unit));
        assert_eq!(
            read::<Choice>(r#"{"struct": {"a": 9}}"#),
            Ok(Choice::Struct { a: 9 })
        );
        assert_eq!(read::<Option<Inner>>("null"), Ok(None));
    }

    #[test]
    fn other_errors_keep_their_wording_and_path() {
        assert_eq!(
            read::<Outer>(r#"{"inner": {"a": "x", "b": true}}"#).map(|_| ()),
            Err((
                "inner.a".to_string(),
                "invalid type: string \"x\", expected u32 at line 1 column 19".to_string()
            ))
        );
    }

    #[test]
    fn query_strings_read_structs_from_their_pairs_only() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Query {
            page: Option<u32>,
            inner: Option<Inner>,
        }
        let read = |q: &'static str| {
            deserialize::<_, Query>(serde_urlencoded::Deserializer::new(form_urlencoded::parse(
                q.as_bytes(),
            )))
            .map_err(|e| e.path().to_string())
        };
        assert_eq!(
            read("page=2"),
            Ok(Query {
                page: Some(2),
                inner: None
            })
        );
        // A value is text, never a list or a map.
        assert_eq!(read("inner=1,true"), Err("inner".to_string()));
    }
}
