#include "results/checksum.hpp"

#include <fmt/format.h>
#include <fmt/std.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace harness {

namespace {

// SHA-256 of whatever `feed` passes to its callback, as lowercase hex.
template <class Feed>
std::string sha256(Feed feed) {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
  feed([&](const char* data, std::size_t size) { EVP_DigestUpdate(context.get(), data, size); });
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest.data(), &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace

std::string sha256_of_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {} to compute its checksum", file));
  return sha256([&](auto update) {
    std::array<char, 1 << 16> buffer;
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
      update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
  });
}

std::string sha256_of_text(std::string_view text) {
  return sha256([&](auto update) { update(text.data(), text.size()); });
}

}  // namespace harness
