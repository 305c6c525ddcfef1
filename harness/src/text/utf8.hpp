// UTF-8 text cut into characters (code points), each kept as its own UTF-8 bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness {

// The byte offset of the first byte that is not part of a well-formed UTF-8 sequence (a stray
// continuation byte, a truncated sequence, an overlong form, a surrogate, a code point above
// U+10FFFF), or nothing when the whole text is valid.
std::optional<std::size_t> invalid_utf8_offset(std::string_view text);

// The characters of valid UTF-8 text, one string each.
std::vector<std::string> utf8_characters(std::string_view text);

}  // namespace harness
