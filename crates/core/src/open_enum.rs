//! The API's enums of text values (statuses, event types, reasons): each written once as a
//! list of `Variant = "wire text"`, with an `Unknown(String)` arm for a value this version does
//! not know (as async-stripe does), so a newer gateway never breaks an older client.

/// What every such enum offers, for code that handles any of them (an API parameter's
/// parsing and its refusal).
pub trait OpenEnum: Sized + 'static {
    /// Every value this version knows.
    const KNOWN: &'static [Self];
    /// The value for its API text; text this version does not know is `Unknown`.
    fn parse(text: &str) -> Self;
    /// Whether this version knows the value.
    fn is_known(&self) -> bool;
}

/// Declares such an enum with `as_str`, `parse` and serde as the bare text.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version does not know, kept as it came.
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The API's text for it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(other) => other,
                }
            }

            /// The value for its API text; text this version does not know is `Unknown`.
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// Whether this version knows the value.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl $crate::open_enum::OpenEnum for $name {
            const KNOWN: &'static [Self] = $name::KNOWN;

            fn parse(text: &str) -> Self {
                $name::parse(text)
            }

            fn is_known(&self) -> bool {
                $name::is_known(self)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::parse(&text))
            }
        }
    };
}
