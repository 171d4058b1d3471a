#pragma once
// Reads back one zstd frame, as a test checks what the server compressed.
#include <catch2/catch.hpp>
#include <zstd.h>

#include <string>

namespace fixtures {

/// The text of one zstd frame (the frame must state its size, as ZSTD_compress's do).
inline std::string zstdDecompress(const std::string& frame) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  REQUIRE(size != ZSTD_CONTENTSIZE_ERROR);
  REQUIRE(size != ZSTD_CONTENTSIZE_UNKNOWN);
  std::string text(size, '\0');
  const size_t got = ZSTD_decompress(text.data(), text.size(), frame.data(), frame.size());
  REQUIRE_FALSE(ZSTD_isError(got));
  text.resize(got);
  return text;
}

}  // namespace fixtures
