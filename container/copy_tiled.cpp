// Copies between layouts whose fastest dims differ (a transpose made contiguous) in square
// tiles, so that both sides are walked along cache lines instead of one striding by rows.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <cstring>

#include "container/element.hpp"

namespace pluribus::nd::element {

namespace {

constexpr int64_t kTile = 32;

// Rows [row_begin, row_end) of one plane, tile by tile.
template <std::size_t N>
void copy_tile(char* dst, int64_t d0, int64_t d1, const char* src, int64_t s0, int64_t s1, int64_t row_begin,
               int64_t rows, int64_t cols) {
  for (int64_t i0 = row_begin; i0 < rows; i0 += kTile) {
    const int64_t i1 = std::min(rows, i0 + kTile);
    for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
      const int64_t j1 = std::min(cols, j0 + kTile);
      for (int64_t i = i0; i < i1; ++i) {
        char* d = dst + i * d0 + j0 * d1;
        const char* s = src + i * s0 + j0 * s1;
        for (int64_t j = j0; j < j1; ++j, d += d1, s += s1) std::memcpy(d, s, N);
      }
    }
  }
}

}  // namespace

bool copy_tiled(int64_t itemsize, std::span<const int64_t> shape, char* dst, std::span<const int64_t> dst_strides,
                const char* src, std::span<const int64_t> src_strides) {
  const std::size_t nd = shape.size();
  if (nd < 2) return false;
  // The destination runs along its last dim; the source along its second-to-last.
  if (dst_strides[nd - 1] != itemsize || src_strides[nd - 2] != itemsize) return false;
  if (src_strides[nd - 1] == itemsize) return false;
  void (*tile)(char*, int64_t, int64_t, const char*, int64_t, int64_t, int64_t, int64_t, int64_t);
  switch (itemsize) {
    case 1: tile = copy_tile<1>; break;
    case 2: tile = copy_tile<2>; break;
    case 4: tile = copy_tile<4>; break;
    case 8: tile = copy_tile<8>; break;
    case 16: tile = copy_tile<16>; break;
    default: return false;
  }
  const int64_t rows = shape[nd - 2], cols = shape[nd - 1];
  const int64_t d0 = dst_strides[nd - 2], d1 = dst_strides[nd - 1];
  const int64_t s0 = src_strides[nd - 2], s1 = src_strides[nd - 1];
  // The outer dims, one 2-D plane at a time; a large plane's bands of tile rows run on
  // oneTBB's threads (bands are disjoint in the destination).
  constexpr int64_t kParallelElements = int64_t{1} << 18;
  for_each2(shape.first(nd - 2), dst, dst_strides.first(nd - 2), const_cast<char*>(src), src_strides.first(nd - 2),
            [&](char* d, char* s) {
              if (rows * cols < kParallelElements) {
                tile(d, d0, d1, s, s0, s1, 0, rows, cols);
                return;
              }
              const int64_t bands = (rows + kTile - 1) / kTile;
              tbb::parallel_for(tbb::blocked_range<int64_t>(0, bands, 4), [&](const tbb::blocked_range<int64_t>& r) {
                tile(d, d0, d1, s, s0, s1, r.begin() * kTile, std::min(rows, r.end() * kTile), cols);
              });
            });
  return true;
}

}  // namespace pluribus::nd::element
