//! RFC 6962 / RFC 9162 §2.1 Merkle tree over SHA-256: hashing, roots, inclusion and
//! consistency proofs (generation and verification), proofs computed from stored subtree
//! hashes ([`HashReader`]) and the right edge of the tree ([`CompactRange`]).
//!
//! # Conventions
//!
//! * Leaf hash `SHA-256(0x00 || entry)`, interior node `SHA-256(0x01 || left || right)`,
//!   empty tree `SHA-256("")` ([`EMPTY_ROOT`]).
//! * A [`NodeId`] `{level, index}` names the *complete* (perfect) subtree over the leaves
//!   `[index << level, (index + 1) << level)`. Only complete subtrees are ever stored or read;
//!   the hash of an incomplete subtree (right edge) is always recomputed from the complete
//!   subtrees that tile it, largest (leftmost) first, folded from the right.
//! * Proof hashes are ordered from the leaf towards the root, exactly as RFC 9162 `PATH` and
//!   `PROOF` produce them.
//! * Consistency with an empty old tree (`m == 0`): [`verify_consistency`] follows the
//!   c2sp.org/tlog-witness convention, an empty proof is accepted when the old root is
//!   [`EMPTY_ROOT`] (an empty tree is a prefix of every tree); [`consistency_proof`] returns
//!   an empty proof for `m == 0`. [`verify_consistency_strict`] follows
//!   transparency-dev/merkle instead and rejects `m == 0` with [`ProofError::EmptyOldTree`]
//!   (unless `m == n == 0`, where it only compares the roots, as transparency-dev does).

use sha2::{Digest, Sha256};

/// A SHA-256 hash: leaf hash, node hash or tree root.
pub type Hash = [u8; 32];

/// Root of the empty tree: `SHA-256("")`.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Errors of proof generation and verification.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not smaller than the tree size.
    #[error("leaf index {index} is out of range for tree size {size}")]
    IndexOutOfRange {
        /// Requested leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// The sizes of a consistency proof are not `m <= n` (or exceed the available leaves).
    #[error("tree sizes {m} and {n} are not ordered m <= n within the tree")]
    SizeOutOfRange {
        /// Old (smaller) tree size.
        m: u64,
        /// New (larger) tree size.
        n: u64,
    },
    /// The proof has the wrong number of hashes for its index and size(s).
    #[error("proof has {got} hashes, expected {expected}")]
    WrongProofLength {
        /// Expected number of hashes.
        expected: usize,
        /// Number of hashes given.
        got: usize,
    },
    /// The proof does not lead to the given root (or roots).
    #[error("proof does not verify against the given root")]
    RootMismatch,
    /// Strict convention only: a consistency proof from an empty tree is meaningless.
    #[error("consistency from an empty tree (size 0) is not accepted in strict mode")]
    EmptyOldTree,
    /// `CompactRange::from_parts` got a number of hashes that does not match the size.
    #[error("compact range of size {size} needs {expected} hashes, got {got}")]
    InvalidCompactRange {
        /// Tree size.
        size: u64,
        /// Hashes needed (number of set bits of the size).
        expected: usize,
        /// Hashes given.
        got: usize,
    },
    /// [`crate::tiles::hash_up`] needs a non-empty power-of-two number of hashes.
    #[error("{len} hashes is not a non-empty power of two")]
    NotPowerOfTwo {
        /// Number of hashes given.
        len: usize,
    },
    /// A [`HashReader`] answered with a different number of hashes than requested.
    #[error("hash reader returned {returned} hashes for {requested} requested")]
    HashCountMismatch {
        /// Requested.
        requested: usize,
        /// Returned.
        returned: usize,
    },
    /// The tree is too large for this operation (more than 2^64 - 1 leaves).
    #[error("tree size overflow")]
    SizeOverflow,
}

/// Error of the proof functions that read stored hashes through a [`HashReader`].
#[derive(Debug, thiserror::Error)]
pub enum StoredProofError<E> {
    /// The request itself is invalid (or the reader answered inconsistently).
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The reader failed.
    #[error("reading stored hashes failed: {0}")]
    Read(E),
}

/// Error of parsing a hash from text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HashParseError {
    /// Not valid (standard, padded) base64.
    #[error("invalid base64 hash")]
    Base64,
    /// Not valid lowercase/uppercase hexadecimal.
    #[error("invalid hex hash")]
    Hex,
    /// Decoded to a length other than 32 bytes.
    #[error("hash has {0} bytes, expected 32")]
    Length(usize),
}

/// Parses a 32-byte hash from standard base64 with padding (RFC 4648 §4), as used in
/// checkpoints and JSON proofs.
pub fn hash_from_base64(s: &str) -> Result<Hash, HashParseError> {
    use base64::Engine as _;
    if s.len() > 64 {
        return Err(HashParseError::Length(s.len()));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| HashParseError::Base64)?;
    Hash::try_from(bytes.as_slice()).map_err(|_| HashParseError::Length(bytes.len()))
}

/// Parses a 32-byte hash from 64 hexadecimal digits.
pub fn hash_from_hex(s: &str) -> Result<Hash, HashParseError> {
    if s.len() != 64 {
        return Err(HashParseError::Length(s.len() / 2));
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).map_err(|_| HashParseError::Hex)?;
    Ok(out)
}

/// Standard base64 (padded) of a hash.
pub fn hash_to_base64(h: &Hash) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(h)
}

/// `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Largest power of two strictly smaller than `n` (`n >= 2`).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// MTH over leaf hashes (RFC 9162 §2.1.1); the tree size is `leaf_hashes.len()`.
pub fn root(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes {
        [] => EMPTY_ROOT,
        [one] => *one,
        _ => {
            let k = split_point(leaf_hashes.len() as u64) as usize;
            let (l, r) = leaf_hashes.split_at(k);
            node_hash(&root(l), &root(r))
        }
    }
}

/// A complete subtree: the leaves `[index << level, (index + 1) << level)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// Height of the subtree (0 = a single leaf).
    pub level: u8,
    /// Position among the subtrees of this level, from the left.
    pub index: u64,
}

impl NodeId {
    /// First leaf covered (saturating for ids outside any u64-sized tree).
    pub fn first_leaf(&self) -> u64 {
        u64::try_from(u128::from(self.index) << self.level).unwrap_or(u64::MAX)
    }
    /// One past the last leaf covered (saturating).
    pub fn end_leaf(&self) -> u64 {
        u64::try_from((u128::from(self.index) + 1) << self.level).unwrap_or(u64::MAX)
    }
}

/// Reads hashes of complete subtrees from storage.
pub trait HashReader {
    /// Storage error.
    type Error;
    /// Returns the hashes of `ids`, in the same order, one per id.
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, Self::Error>;
}

impl<T: HashReader + ?Sized> HashReader for &T {
    type Error = T::Error;
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, Self::Error> {
        (**self).read_hashes(ids)
    }
}

/// Appends the complete subtrees tiling `[begin, end)` (largest first when `begin` is
/// aligned to a power of two at least `end - begin`, which holds for every use here).
fn decompose(mut begin: u64, end: u64, out: &mut Vec<NodeId>) {
    while begin < end {
        let len = end - begin;
        let max_by_len = 63 - len.leading_zeros();
        let level = begin.trailing_zeros().min(max_by_len);
        out.push(NodeId {
            level: level as u8,
            index: begin >> level,
        });
        begin += 1u64 << level;
    }
}

/// A proof plan: every proof hash is the fold of a run of complete subtrees.
struct Plan {
    ids: Vec<NodeId>,
    /// `(start, end)` ranges into `ids`, one per proof hash, leaf to root.
    spans: Vec<(usize, usize)>,
}

impl Plan {
    fn from_ranges(ranges: &[(u64, u64)]) -> Plan {
        let mut ids = Vec::new();
        let mut spans = Vec::with_capacity(ranges.len());
        for &(b, e) in ranges {
            let s = ids.len();
            decompose(b, e, &mut ids);
            spans.push((s, ids.len()));
        }
        Plan { ids, spans }
    }

    /// Folds read hashes into proof hashes.
    fn assemble(&self, hashes: &[Hash]) -> Result<Vec<Hash>, ProofError> {
        if hashes.len() != self.ids.len() {
            return Err(ProofError::HashCountMismatch {
                requested: self.ids.len(),
                returned: hashes.len(),
            });
        }
        let mut out = Vec::with_capacity(self.spans.len());
        for &(s, e) in &self.spans {
            let run = hashes.get(s..e).unwrap_or_default();
            out.push(fold_right(run));
        }
        Ok(out)
    }
}

/// Hash of a right-edge run of complete subtrees, largest first: `node(a, node(b, c))`.
fn fold_right(run: &[Hash]) -> Hash {
    let mut it = run.iter().rev();
    let Some(last) = it.next() else {
        return EMPTY_ROOT;
    };
    it.fold(*last, |acc, left| node_hash(left, &acc))
}

/// RFC 9162 `PATH(index, D[size])` as leaf ranges, leaf to root.
fn inclusion_ranges(index: u64, size: u64) -> Result<Vec<(u64, u64)>, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut start, mut n, mut m) = (0u64, size, index);
    let mut ranges = Vec::new();
    while n > 1 {
        let k = split_point(n);
        if m < k {
            ranges.push((start + k, start + n));
            n = k;
        } else {
            ranges.push((start, start + k));
            start += k;
            m -= k;
            n -= k;
        }
    }
    ranges.reverse();
    Ok(ranges)
}

/// RFC 9162 `PROOF(m, D[n])` as leaf ranges, leaf to root (`m == 0` gives no ranges).
fn consistency_ranges(m: u64, n: u64) -> Result<Vec<(u64, u64)>, ProofError> {
    if m > n {
        return Err(ProofError::SizeOutOfRange { m, n });
    }
    let mut ranges = Vec::new();
    if m == 0 {
        return Ok(ranges);
    }
    let (mut start, mut m, mut n, mut complete) = (0u64, m, n, true);
    loop {
        if m == n {
            if !complete {
                ranges.push((start, start + m));
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            ranges.push((start + k, start + n));
            n = k;
        } else {
            ranges.push((start, start + k));
            start += k;
            m -= k;
            n -= k;
            complete = false;
        }
    }
    ranges.reverse();
    Ok(ranges)
}

/// Node ids whose hashes give the root of a tree of `size` leaves (largest first).
pub fn nodes_for_root(size: u64) -> Vec<NodeId> {
    let mut ids = Vec::new();
    decompose(0, size, &mut ids);
    ids
}

/// Node ids needed for the inclusion proof of `index` in a tree of `size` leaves.
pub fn nodes_for_inclusion(index: u64, size: u64) -> Result<Vec<NodeId>, ProofError> {
    Ok(Plan::from_ranges(&inclusion_ranges(index, size)?).ids)
}

/// Node ids needed for the consistency proof from size `m` to size `n`.
pub fn nodes_for_consistency(m: u64, n: u64) -> Result<Vec<NodeId>, ProofError> {
    Ok(Plan::from_ranges(&consistency_ranges(m, n)?).ids)
}

/// Number of hashes of a valid inclusion proof for `index` in a tree of `size` leaves.
pub fn inclusion_proof_len(index: u64, size: u64) -> Result<usize, ProofError> {
    Ok(inclusion_ranges(index, size)?.len())
}

/// Number of hashes of a valid consistency proof from `m` to `n` (0 when `m == 0`).
pub fn consistency_proof_len(m: u64, n: u64) -> Result<usize, ProofError> {
    Ok(consistency_ranges(m, n)?.len())
}

fn read_plan<R: HashReader>(plan: &Plan, r: &R) -> Result<Vec<Hash>, StoredProofError<R::Error>> {
    if plan.ids.is_empty() {
        return Ok(plan.assemble(&[])?);
    }
    let hashes = r.read_hashes(&plan.ids).map_err(StoredProofError::Read)?;
    Ok(plan.assemble(&hashes)?)
}

/// Root of the tree of `size` leaves from stored complete-subtree hashes.
pub fn root_from<R: HashReader>(size: u64, r: &R) -> Result<Hash, StoredProofError<R::Error>> {
    let ids = nodes_for_root(size);
    if ids.is_empty() {
        return Ok(EMPTY_ROOT);
    }
    let hashes = r.read_hashes(&ids).map_err(StoredProofError::Read)?;
    if hashes.len() != ids.len() {
        return Err(ProofError::HashCountMismatch {
            requested: ids.len(),
            returned: hashes.len(),
        }
        .into());
    }
    Ok(fold_right(&hashes))
}

/// Inclusion proof of `index` in the tree of `size` leaves, from stored hashes.
pub fn inclusion_proof_from<R: HashReader>(
    index: u64,
    size: u64,
    r: &R,
) -> Result<Vec<Hash>, StoredProofError<R::Error>> {
    let plan = Plan::from_ranges(&inclusion_ranges(index, size)?);
    read_plan(&plan, r)
}

/// Consistency proof from size `m` to size `n`, from stored hashes (empty for `m == 0`).
pub fn consistency_proof_from<R: HashReader>(
    m: u64,
    n: u64,
    r: &R,
) -> Result<Vec<Hash>, StoredProofError<R::Error>> {
    let plan = Plan::from_ranges(&consistency_ranges(m, n)?);
    read_plan(&plan, r)
}

/// A [`HashReader`] over all leaf hashes in memory (computes subtree hashes on demand).
#[derive(Clone, Copy, Debug)]
pub struct InMemoryReader<'a>(pub &'a [Hash]);

impl HashReader for InMemoryReader<'_> {
    type Error = ProofError;
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, ProofError> {
        let size = self.0.len() as u64;
        ids.iter()
            .map(|id| {
                let (b, e) = (id.first_leaf(), id.end_leaf());
                if e > size || id.level >= 64 {
                    return Err(ProofError::SizeOutOfRange { m: e, n: size });
                }
                let run = self
                    .0
                    .get(b as usize..e as usize)
                    .ok_or(ProofError::SizeOutOfRange { m: e, n: size })?;
                Ok(root(run))
            })
            .collect()
    }
}

fn flatten(e: StoredProofError<ProofError>) -> ProofError {
    match e {
        StoredProofError::Proof(p) | StoredProofError::Read(p) => p,
    }
}

/// RFC 9162 `PATH(index, D[n])` with `n = leaf_hashes.len()`.
pub fn inclusion_proof(index: u64, leaf_hashes: &[Hash]) -> Result<Vec<Hash>, ProofError> {
    inclusion_proof_from(
        index,
        leaf_hashes.len() as u64,
        &InMemoryReader(leaf_hashes),
    )
    .map_err(flatten)
}

/// RFC 9162 `PROOF(m, D[n])` with `n = leaf_hashes.len()`; empty for `m == 0` and `m == n`.
pub fn consistency_proof(m: u64, leaf_hashes: &[Hash]) -> Result<Vec<Hash>, ProofError> {
    consistency_proof_from(m, leaf_hashes.len() as u64, &InMemoryReader(leaf_hashes))
        .map_err(flatten)
}

/// Recomputes the root from an inclusion proof (RFC 9162 §2.1.3.2), checking the exact
/// proof length.
pub fn root_from_inclusion_proof(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    let expected = inclusion_proof_len(index, size)?;
    if proof.len() != expected {
        return Err(ProofError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongProofLength {
                expected,
                got: proof.len(),
            });
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    Ok(r)
}

/// Verifies that `leaf_hash` is at `index` in the tree of `size` leaves with `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if root_from_inclusion_proof(leaf_hash, index, size, proof)? == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Verifies a consistency proof between a tree of `m` leaves with `root_m` and a tree of `n`
/// leaves with `root_n` (tlog-witness convention for `m == 0`: the proof must be empty and
/// `root_m` must be [`EMPTY_ROOT`]; if also `n == 0`, `root_n` must be [`EMPTY_ROOT`] too).
pub fn verify_consistency(
    m: u64,
    n: u64,
    proof: &[Hash],
    root_m: &Hash,
    root_n: &Hash,
) -> Result<(), ProofError> {
    if m > n {
        return Err(ProofError::SizeOutOfRange { m, n });
    }
    if m == 0 {
        if !proof.is_empty() {
            return Err(ProofError::WrongProofLength {
                expected: 0,
                got: proof.len(),
            });
        }
        if *root_m != EMPTY_ROOT || (n == 0 && *root_n != EMPTY_ROOT) {
            return Err(ProofError::RootMismatch);
        }
        return Ok(());
    }
    verify_consistency_nonempty(m, n, proof, root_m, root_n)
}

/// Verifies a consistency proof with the transparency-dev/merkle conventions: `m == n`
/// needs an empty proof and equal roots (for any size, including 0); otherwise `m == 0`
/// is rejected with [`ProofError::EmptyOldTree`].
pub fn verify_consistency_strict(
    m: u64,
    n: u64,
    proof: &[Hash],
    root_m: &Hash,
    root_n: &Hash,
) -> Result<(), ProofError> {
    if m > n {
        return Err(ProofError::SizeOutOfRange { m, n });
    }
    if m == n {
        return verify_consistency_nonempty(m, n, proof, root_m, root_n);
    }
    if m == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    verify_consistency_nonempty(m, n, proof, root_m, root_n)
}

/// RFC 9162 §2.1.4.2 for `0 < m <= n` (and `m == n` in general).
fn verify_consistency_nonempty(
    m: u64,
    n: u64,
    proof: &[Hash],
    root_m: &Hash,
    root_n: &Hash,
) -> Result<(), ProofError> {
    let expected = consistency_proof_len(m, n)?;
    if proof.len() != expected {
        return Err(ProofError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    if m == n {
        return if root_m == root_n {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    let wrong_len = ProofError::WrongProofLength {
        expected,
        got: proof.len(),
    };
    // Step 2: if m is a power of two, the old root is the first path element.
    let mut path = proof.iter();
    let first: Hash = if m.is_power_of_two() {
        *root_m
    } else {
        *path.next().ok_or(wrong_len.clone())?
    };
    let (mut f, mut s) = (m - 1, n - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (first, first);
    for c in path {
        if s == 0 {
            return Err(wrong_len);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(wrong_len);
    }
    if fr == *root_m && sr == *root_n {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// The right edge of a tree: one complete-subtree hash per set bit of the size, largest
/// (leftmost) first. Enough to append leaves and compute the root in O(log n) memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    right_edge: Vec<Hash>,
}

impl CompactRange {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a range from its size and right-edge hashes (the hashes of
    /// [`nodes_for_root`]`(size)`, in that order).
    pub fn from_parts(size: u64, right_edge: Vec<Hash>) -> Result<Self, ProofError> {
        let expected = size.count_ones() as usize;
        if right_edge.len() != expected {
            return Err(ProofError::InvalidCompactRange {
                size,
                expected,
                got: right_edge.len(),
            });
        }
        Ok(Self { size, right_edge })
    }

    /// Builds the range of a tree from all its leaf hashes.
    pub fn from_leaf_hashes(leaf_hashes: &[Hash]) -> Self {
        let mut r = Self::new();
        for h in leaf_hashes {
            // A slice cannot hold 2^64 - 1 hashes, so this never overflows.
            let _ = r.try_append(*h);
        }
        r
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Complete-subtree hashes of the right edge, largest first.
    pub fn right_edge(&self) -> &[Hash] {
        &self.right_edge
    }

    /// Node ids of [`Self::right_edge`], same order.
    pub fn right_edge_ids(&self) -> Vec<NodeId> {
        nodes_for_root(self.size)
    }

    /// MTH of the tree.
    pub fn root(&self) -> Hash {
        fold_right(&self.right_edge)
    }

    /// Appends one leaf hash; returns every complete subtree completed by it (including the
    /// leaf itself at level 0), lowest level first. At the (unreachable in practice) size
    /// `2^64 - 1` nothing is appended and the result is empty; see [`Self::try_append`].
    pub fn append(&mut self, leaf_hash: Hash) -> Vec<(NodeId, Hash)> {
        self.try_append(leaf_hash).unwrap_or_default()
    }

    /// Like [`Self::append`], but reports [`ProofError::SizeOverflow`] instead of ignoring
    /// a leaf that would make the size overflow.
    pub fn try_append(&mut self, leaf_hash: Hash) -> Result<Vec<(NodeId, Hash)>, ProofError> {
        let new_size = self.size.checked_add(1).ok_or(ProofError::SizeOverflow)?;
        let mut completed = Vec::with_capacity(1 + self.size.trailing_ones() as usize);
        let mut h = leaf_hash;
        let mut id = NodeId {
            level: 0,
            index: self.size,
        };
        completed.push((id, h));
        while (self.size >> id.level) & 1 == 1 {
            let Some(left) = self.right_edge.pop() else {
                break;
            };
            h = node_hash(&left, &h);
            id = NodeId {
                level: id.level + 1,
                index: id.index >> 1,
            };
            completed.push((id, h));
        }
        self.right_edge.push(h);
        self.size = new_size;
        Ok(completed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    /// A reader over a map filled by `CompactRange::append`, as a store would keep it.
    struct MapReader(HashMap<NodeId, Hash>);
    impl HashReader for MapReader {
        type Error = NodeId;
        fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, NodeId> {
            ids.iter()
                .map(|id| self.0.get(id).copied().ok_or(*id))
                .collect()
        }
    }

    fn stored(n: u64) -> (MapReader, CompactRange) {
        let mut map = HashMap::new();
        let mut cr = CompactRange::new();
        for h in leaves(n) {
            map.extend(cr.append(h));
        }
        (MapReader(map), cr)
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
        assert_eq!(root(&[]), EMPTY_ROOT);
        assert_eq!(CompactRange::new().root(), EMPTY_ROOT);
    }

    #[test]
    fn exhaustive_small_trees() {
        for n in 0..=40u64 {
            let l = leaves(n);
            let r = root(&l);
            let (reader, cr) = stored(n);
            assert_eq!(cr.root(), r);
            assert_eq!(root_from(n, &reader).unwrap(), r);
            assert_eq!(CompactRange::from_leaf_hashes(&l), cr);
            for i in 0..n {
                let p = inclusion_proof(i, &l).unwrap();
                assert_eq!(p, inclusion_proof_from(i, n, &reader).unwrap());
                verify_inclusion(&l[i as usize], i, n, &p, &r).unwrap();
                assert_eq!(p.len(), inclusion_proof_len(i, n).unwrap());
            }
            assert!(inclusion_proof(n, &l).is_err());
            for m in 0..=n {
                let p = consistency_proof(m, &l).unwrap();
                assert_eq!(p, consistency_proof_from(m, n, &reader).unwrap());
                let rm = root(&l[..m as usize]);
                verify_consistency(m, n, &p, &rm, &r).unwrap();
                if m > 0 || n == 0 {
                    verify_consistency_strict(m, n, &p, &rm, &r).unwrap();
                } else {
                    assert_eq!(
                        verify_consistency_strict(m, n, &p, &rm, &r),
                        Err(ProofError::EmptyOldTree)
                    );
                }
            }
            assert!(consistency_proof(n + 1, &l).is_err());
        }
    }

    #[test]
    fn empty_old_tree_conventions() {
        let l = leaves(5);
        let r = root(&l);
        // tlog-witness convention: empty proof, empty old root.
        verify_consistency(0, 5, &[], &EMPTY_ROOT, &r).unwrap();
        verify_consistency(0, 0, &[], &EMPTY_ROOT, &EMPTY_ROOT).unwrap();
        assert_eq!(
            verify_consistency(0, 5, &[], &r, &r),
            Err(ProofError::RootMismatch)
        );
        assert_eq!(
            verify_consistency(0, 0, &[], &EMPTY_ROOT, &r),
            Err(ProofError::RootMismatch)
        );
        assert!(matches!(
            verify_consistency(0, 5, &[r], &EMPTY_ROOT, &r),
            Err(ProofError::WrongProofLength { .. })
        ));
        // transparency-dev convention.
        assert_eq!(
            verify_consistency_strict(0, 5, &[], &EMPTY_ROOT, &r),
            Err(ProofError::EmptyOldTree)
        );
        verify_consistency_strict(0, 0, &[], &r, &r).unwrap();
        assert_eq!(consistency_proof(0, &l).unwrap(), Vec::<Hash>::new());
        assert_eq!(nodes_for_consistency(0, 5).unwrap(), vec![]);
    }

    #[test]
    fn append_reports_completed_subtrees() {
        let mut cr = CompactRange::new();
        let l = leaves(8);
        for (i, h) in l.iter().enumerate().take(7) {
            cr.append(*h);
            assert_eq!(cr.size(), i as u64 + 1);
        }
        let done = cr.append(l[7]);
        let ids: Vec<NodeId> = done.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            vec![
                NodeId { level: 0, index: 7 },
                NodeId { level: 1, index: 3 },
                NodeId { level: 2, index: 1 },
                NodeId { level: 3, index: 0 },
            ]
        );
        assert_eq!(done[3].1, root(&l));
        assert_eq!(cr.right_edge(), &[root(&l)]);
        assert_eq!(cr.right_edge_ids(), vec![NodeId { level: 3, index: 0 }]);
    }

    #[test]
    fn from_parts_checks_count_and_restores() {
        let (_, cr) = stored(13);
        let again = CompactRange::from_parts(13, cr.right_edge().to_vec()).unwrap();
        assert_eq!(again, cr);
        assert!(matches!(
            CompactRange::from_parts(13, vec![EMPTY_ROOT; 2]),
            Err(ProofError::InvalidCompactRange {
                size: 13,
                expected: 3,
                got: 2
            })
        ));
        let mut full = CompactRange::from_parts(u64::MAX, vec![EMPTY_ROOT; 64]).unwrap();
        assert_eq!(full.try_append(EMPTY_ROOT), Err(ProofError::SizeOverflow));
        assert!(full.append(EMPTY_ROOT).is_empty());
        assert_eq!(full.size(), u64::MAX);
    }

    #[test]
    fn reader_errors_and_short_answers_are_reported() {
        let (reader, _) = stored(10);
        // Node for size 11 is not stored.
        assert!(matches!(
            root_from(11, &reader),
            Err(StoredProofError::Read(NodeId {
                level: 0,
                index: 10
            }))
        ));
        struct Short;
        impl HashReader for Short {
            type Error = ();
            fn read_hashes(&self, _: &[NodeId]) -> Result<Vec<Hash>, ()> {
                Ok(vec![])
            }
        }
        assert!(matches!(
            inclusion_proof_from(3, 10, &Short),
            Err(StoredProofError::Proof(
                ProofError::HashCountMismatch { .. }
            ))
        ));
        assert!(matches!(
            root_from(10, &Short),
            Err(StoredProofError::Proof(
                ProofError::HashCountMismatch { .. }
            ))
        ));
    }

    #[test]
    fn hash_parsing() {
        let h = leaf_hash(b"x");
        assert_eq!(hash_from_base64(&hash_to_base64(&h)).unwrap(), h);
        assert_eq!(hash_from_hex(&hex::encode(h)).unwrap(), h);
        assert_eq!(
            hash_from_base64("ZG9uJ3QgY2FyZSAy"),
            Err(HashParseError::Length(12))
        );
        assert_eq!(hash_from_base64("!!"), Err(HashParseError::Base64));
        assert_eq!(hash_from_hex(&"zz".repeat(32)), Err(HashParseError::Hex));
        assert_eq!(hash_from_hex("00"), Err(HashParseError::Length(1)));
    }

    /// The hash computation a verifier performs for an inclusion proof: for each proof
    /// element, whether it goes on the left. Two (index, size) pairs with the same trace
    /// and length are indistinguishable to any RFC 9162 verifier (the proof does not bind
    /// more than this), so a bit flip that keeps the trace cannot be detected.
    fn inclusion_trace(index: u64, size: u64) -> Option<Vec<bool>> {
        let len = inclusion_proof_len(index, size).ok()?;
        let (mut f, mut s) = (index, size - 1);
        let mut t = Vec::new();
        for _ in 0..len {
            if f & 1 == 1 || f == s {
                t.push(true);
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            } else {
                t.push(false);
            }
            f >>= 1;
            s >>= 1;
        }
        Some(t)
    }

    /// Same for consistency proofs: (old root is path[0], per-element operation).
    fn consistency_trace(m: u64, n: u64) -> Option<(bool, Vec<u8>)> {
        if m == 0 || m >= n {
            return None;
        }
        let len = consistency_proof_len(m, n).ok()?;
        let pow = m.is_power_of_two();
        let (mut f, mut s) = (m - 1, n - 1);
        while f & 1 == 1 {
            f >>= 1;
            s >>= 1;
        }
        let mut t = Vec::new();
        for _ in 0..(if pow { len } else { len - 1 }) {
            if f & 1 == 1 || f == s {
                t.push(1);
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            } else {
                t.push(2);
            }
            f >>= 1;
            s >>= 1;
        }
        Some((pow, t))
    }

    fn flip(h: &Hash, bit: usize) -> Hash {
        let mut h = *h;
        h[bit / 8 % 32] ^= 1 << (bit % 8);
        h
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

        #[test]
        fn inclusion_proofs_verify_and_detect_flips(
            n in 1u64..=5000, seed in any::<u64>(), bit in 0usize..256, vbit in 0u32..64,
        ) {
            let l = leaves(n);
            let r = root(&l);
            let (reader, cr) = stored(n);
            prop_assert_eq!(cr.root(), r);
            for k in 0..4u64 {
                let i = (seed.wrapping_mul(k + 1).rotate_left(k as u32 * 7)) % n;
                // Proofs from stored hashes; the (slower, O(n)) in-memory generator must
                // agree, checked for the first sampled index.
                let p = inclusion_proof_from(i, n, &reader).unwrap();
                if k == 0 {
                    prop_assert_eq!(&p, &inclusion_proof(i, &l).unwrap());
                }
                let lh = l[i as usize];
                prop_assert!(verify_inclusion(&lh, i, n, &p, &r).is_ok());
                // Flip a bit of the root, the leaf hash, and each proof element.
                prop_assert!(verify_inclusion(&lh, i, n, &p, &flip(&r, bit)).is_err());
                prop_assert!(verify_inclusion(&flip(&lh, bit), i, n, &p, &r).is_err());
                for j in 0..p.len() {
                    let mut q = p.clone();
                    q[j] = flip(&q[j], bit);
                    prop_assert!(verify_inclusion(&lh, i, n, &q, &r).is_err());
                }
                // Flip a bit of the index or of the size: rejected unless the verifier's
                // computation is literally the same (see `inclusion_trace`).
                let i2 = i ^ (1 << vbit);
                if verify_inclusion(&lh, i2, n, &p, &r).is_ok() {
                    prop_assert_eq!(inclusion_trace(i2, n), inclusion_trace(i, n));
                }
                let n2 = n ^ (1 << vbit);
                if verify_inclusion(&lh, i, n2, &p, &r).is_ok() {
                    prop_assert_eq!(inclusion_trace(i, n2), inclusion_trace(i, n));
                }
            }
        }

        #[test]
        fn consistency_proofs_verify_and_detect_flips(
            n in 1u64..=5000, seed in any::<u64>(), bit in 0usize..256, vbit in 0u32..64,
        ) {
            let l = leaves(n);
            let r = root(&l);
            let (reader, _) = stored(n);
            for k in 0..3u64 {
                let m = 1 + (seed.wrapping_mul(k + 3).rotate_left(k as u32 * 11)) % n;
                let p = consistency_proof_from(m, n, &reader).unwrap();
                let rm = root_from(m, &reader).unwrap();
                if k == 0 {
                    prop_assert_eq!(&p, &consistency_proof(m, &l).unwrap());
                    prop_assert_eq!(rm, root(&l[..m as usize]));
                    prop_assert_eq!(rm, CompactRange::from_leaf_hashes(&l[..m as usize]).root());
                }
                prop_assert!(verify_consistency(m, n, &p, &rm, &r).is_ok());
                prop_assert!(verify_consistency(m, n, &p, &flip(&rm, bit), &r).is_err());
                prop_assert!(verify_consistency(m, n, &p, &rm, &flip(&r, bit)).is_err());
                for j in 0..p.len() {
                    let mut q = p.clone();
                    q[j] = flip(&q[j], bit);
                    prop_assert!(verify_consistency(m, n, &q, &rm, &r).is_err());
                }
                let m2 = m ^ (1 << vbit);
                if verify_consistency(m2, n, &p, &rm, &r).is_ok() {
                    prop_assert!(m < n && consistency_trace(m2, n) == consistency_trace(m, n));
                }
                let n2 = n ^ (1 << vbit);
                if verify_consistency(m, n2, &p, &rm, &r).is_ok() {
                    prop_assert!(m < n && consistency_trace(m, n2) == consistency_trace(m, n));
                }
            }
        }
    }
}
