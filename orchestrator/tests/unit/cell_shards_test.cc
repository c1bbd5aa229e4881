// run/cell_shards: --shard K/N parsed, cells costed from limits or history,
// and the greedy plan: disjoint, complete, balanced, independent of order.
#include "run/cell_shards.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "builtin_matrix.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Four kernels x two shapes; kmod:0009's limit dominates.
std::string four_kernels(const std::vector<std::string>& kernel_order) {
  std::string text =
      "name = \"shards\"\ntests = [\"kmod:0001\", \"kmod:0009\"]\nvcpus = [1, 2]\nmemory_mib = [512]\nreruns = 1\n"
      "[timeouts]\ntest_s = 60\nper_test = { \"kmod:0009\" = 900 }\n";
  for (const auto& name : kernel_order)
    text += "[[kernel]]\nname = \"" + name + "\"\npackage = \"linux-image-6.1.0-56-amd64\"\n";
  return text + "[[kmod]]\nname = \"host\"\n";
}

std::vector<CellCost> costs_of(const Matrix& matrix, const PastDurations& past = {}) {
  return estimate_cell_costs(matrix, expand_cells(matrix), past);
}

std::set<std::string> shard_sets(const ShardPlan& plan, std::size_t shard) {
  return {plan.cells[shard].begin(), plan.cells[shard].end()};
}

TEST(ShardSpec, KOverNWithinOneToAThousandIsAccepted) {
  std::string error;
  EXPECT_EQ(parse_shard_spec("1/1", error), (ShardSpec{1, 1}));
  EXPECT_EQ(parse_shard_spec("3/4", error), (ShardSpec{3, 4}));
  EXPECT_EQ(parse_shard_spec("1000/1000", error), (ShardSpec{1000, 1000}));
  EXPECT_EQ(parse_shard_spec("01/02", error), (ShardSpec{1, 2}));
  EXPECT_TRUE(error.empty());
}

TEST(ShardSpec, AnythingElseIsRefusedWithTheFix) {
  for (const char* bad : {"", "1", "/", "1/", "/2", "0/2", "3/2", "1/0", "1/1001", "1001/1001", "-1/2", "+1/2", "a/b",
                          "1/2/3", " 1/2", "1/2 ", "1.0/2", "99999/99999", "1/2\n"}) {
    std::string error;
    EXPECT_FALSE(parse_shard_spec(bad, error).has_value()) << bad;
    EXPECT_THAT(error, HasSubstr("--shard '")) << bad;
    EXPECT_THAT(error, HasSubstr("\n  fix: --shard K/N with 1 <= K <= N <= 1000")) << bad;
  }
  std::string error;
  parse_shard_spec("3/2", error);
  EXPECT_THAT(error, HasSubstr("K must be between 1 and N"));
  parse_shard_spec("1/1001", error);
  EXPECT_THAT(error, HasSubstr("N must be between 1 and 1000"));
}

TEST(CellCosts, LimitsCountEveryRerun) {
  const Matrix matrix = parse_matrix_text(four_kernels({"k1"}), "shards.toml");
  const auto costs = costs_of(matrix);
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_EQ(costs[0].cell_id, "k1.host.1cpu.512M");
  EXPECT_EQ(costs[0].cost_ms, (60 + 900) * 2 * 1000LL);  // reruns = 1: each test may run twice
  EXPECT_FALSE(costs[0].from_history);
}

TEST(CellCosts, PastDurationsReplaceTheLimitsOfTheTestsTheyKnow) {
  const Matrix matrix = parse_matrix_text(four_kernels({"k1"}), "shards.toml");
  const auto costs = costs_of(matrix, {{"k1.host.2cpu.512M", {{"kmod:0009", 42.5}}}});
  EXPECT_FALSE(costs[0].from_history);
  EXPECT_TRUE(costs[1].from_history);
  EXPECT_EQ(costs[1].cost_ms, 42500 + 60 * 2 * 1000LL);  // kmod:0001 still at its limit
  const ShardPlan plan = plan_shards(costs, 2);
  EXPECT_EQ(plan.basis, "history");
  EXPECT_EQ(plan_shards(costs_of(matrix), 2).basis, "limits");
}

TEST(ShardPlan, ShardsAreDisjointAndTogetherEveryCell) {
  const Matrix matrix = parse_matrix_text(four_kernels({"k1", "k2", "k3", "k4"}), "shards.toml");
  for (int n : {1, 2, 3, 5, 8, 20}) {
    const ShardPlan plan = plan_shards(costs_of(matrix), n);
    ASSERT_EQ(plan.cells.size(), static_cast<std::size_t>(n));
    std::multiset<std::string> all;
    for (const auto& shard : plan.cells) all.insert(shard.begin(), shard.end());
    std::multiset<std::string> expected;
    for (const auto& cell : expand_cells(matrix)) expected.insert(cell.id());
    EXPECT_EQ(all, expected) << n << " shards";
  }
}

TEST(ShardPlan, LoadsDifferByAtMostTheLargestCell) {
  std::vector<CellCost> costs;
  for (int i = 0; i < 17; ++i) costs.push_back({"c" + std::to_string(i), 1000LL * (i % 5 + 1) * (i % 3 + 1), false});
  for (int n : {2, 3, 4}) {
    const ShardPlan plan = plan_shards(costs, n);
    const auto [lo, hi] = std::minmax_element(plan.cost_ms.begin(), plan.cost_ms.end());
    EXPECT_LE(*hi - *lo, 15000) << n;
    long long planned = 0, given = 0;
    for (auto c : plan.cost_ms) planned += c;
    for (const auto& c : costs) given += c.cost_ms;
    EXPECT_EQ(planned, given);
  }
}

TEST(ShardPlan, LargestFirstToTheLeastLoadedTiesByIdThenLowestShard) {
  const std::vector<CellCost> costs = {
      {"d", 10, false}, {"a", 10, false}, {"big", 30, false}, {"c", 10, false}, {"b", 10, false}};
  const ShardPlan plan = plan_shards(costs, 2);
  // big -> 1; a, b, c -> 2 (lighter until both are at 30); d -> 1, the lower index of a tie.
  EXPECT_THAT(plan.cells[0], ElementsAre("d", "big"));
  EXPECT_THAT(plan.cells[1], ElementsAre("a", "c", "b"));  // in the order given
  EXPECT_THAT(plan.cost_ms, ElementsAre(40, 30));
}

TEST(ShardPlan, TheSameMatrixInAnotherOrderGivesTheSameShards) {
  const Matrix forward = parse_matrix_text(four_kernels({"k1", "k2", "k3", "k4"}), "a.toml");
  const Matrix backward = parse_matrix_text(four_kernels({"k4", "k2", "k3", "k1"}), "b.toml");
  const PastDurations past = {{"k3.host.1cpu.512M", {{"kmod:0009", 5}}}, {"k1.host.2cpu.512M", {{"kmod:0001", 7}}}};
  for (int n : {2, 3, 4}) {
    const ShardPlan a = plan_shards(costs_of(forward, past), n);
    const ShardPlan b = plan_shards(costs_of(backward, past), n);
    for (int s = 0; s < n; ++s) EXPECT_EQ(shard_sets(a, s), shard_sets(b, s)) << s << " of " << n;
    EXPECT_EQ(a.cost_ms, b.cost_ms);
  }
}

TEST(ShardPlan, MoreShardsThanCellsLeavesSomeEmpty) {
  const ShardPlan plan = plan_shards({{"only", 5, false}}, 3);
  EXPECT_THAT(plan.cells[0], ElementsAre("only"));
  EXPECT_TRUE(plan.cells[1].empty());
  EXPECT_TRUE(plan.cells[2].empty());
}

TEST(ShardPlan, CostsPrintAsHoursMinutesOrSeconds) {
  EXPECT_EQ(format_cost(12'000), "12s");
  EXPECT_EQ(format_cost(190'000), "3m10s");
  EXPECT_EQ(format_cost(3'720'000), "1h02m");
}

TEST(CellsInShard, KeepsTheListedCellsInMatrixOrderWhateverTheListsOrder) {
  const Matrix m = parse_matrix_text(four_kernels({"a", "b", "c", "d"}), "s.toml");
  const std::vector<Cell> kept =
      cells_in_shard(expand_cells(m), {"d.host.1cpu.512M", "a.host.2cpu.512M", "b.host.1cpu.512M"});
  std::vector<std::string> ids;
  for (const auto& cell : kept) ids.push_back(cell.id());
  EXPECT_THAT(ids, ElementsAre("a.host.2cpu.512M", "b.host.1cpu.512M", "d.host.1cpu.512M"));
  EXPECT_EQ(kept[0].index, 1);  // the matrix's index, not the position in the shard
}

TEST(CellsInShard, IdsNoCellHasAreIgnoredAndAnEmptyListKeepsNothing) {
  const Matrix m = parse_matrix_text(four_kernels({"a", "b"}), "s.toml");
  EXPECT_EQ(cells_in_shard(expand_cells(m), {"zz.host.1cpu.512M", "a.host.1cpu.512M"}).size(), 1u);
  EXPECT_TRUE(cells_in_shard(expand_cells(m), {}).empty());
}

}  // namespace
}  // namespace kmx
