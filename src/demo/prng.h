#pragma once
// A seeded pseudo-random generator whose output is the same on every
// platform and standard library: xoshiro256** seeded through splitmix64, and
// the few derived draws the demo needs, written here so that no
// std::*_distribution (whose results differ between libraries) is involved.
// Not for anything secret.
#include <cstdint>
#include <span>

namespace fupin::demo {

// splitmix64: one step of the sequence starting at `state` (which it advances).
uint64_t SplitMix64(uint64_t& state);

class Prng {
 public:
  explicit Prng(uint64_t seed);

  // The next 64 random bits.
  uint64_t Next();
  // A whole number in [0, n); n > 0. Unbiased (rejection).
  uint64_t Below(uint64_t n);
  // A whole number in [lo, hi] (inclusive); lo <= hi.
  int64_t Between(int64_t lo, int64_t hi);
  // A double in [0, 1) from the top 53 bits.
  double Unit();
  // true with probability p.
  bool Chance(double p);
  // An approximately normal draw (sum of 12 uniforms, so within mean ± 6 sd).
  double Normal(double mean, double sd);
  // An index chosen with probability proportional to weights[i] (all >= 0, sum > 0).
  size_t Pick(std::span<const double> weights);
  // A generator for a sub-stream, independent of later draws from this one.
  Prng Fork(uint64_t stream);

 private:
  uint64_t s_[4];
};

}  // namespace fupin::demo
