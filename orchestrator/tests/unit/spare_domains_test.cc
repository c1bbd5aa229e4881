#include "vm/spare_domains.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

VmSpec spec_named(const std::string& name, const std::string& cmdline = "kmx.tests=kmod:0001") {
  VmSpec spec;
  spec.name = name;
  spec.cmdline = cmdline;
  return spec;
}

// Records what the driver was asked to make and to discard.
class SpareDomainsTest : public ::testing::Test {
 protected:
  std::unique_ptr<SpareDomains> spares(std::string make_error = "") {
    return std::make_unique<SpareDomains>(
        [this, make_error](const VmSpec& spec) {
          std::lock_guard lock(mutex_);
          made_.push_back(spec.name);
          return make_error;
        },
        [this](const VmSpec& spec) {
          std::lock_guard lock(mutex_);
          discarded_.push_back(spec.name + " " + spec.cmdline);
        });
  }
  std::mutex mutex_;
  std::vector<std::string> made_, discarded_;
};

TEST_F(SpareDomainsTest, AMadeSpareIsTakenByTheSameSpecOnce) {
  auto s = spares();
  s->prepare(spec_named("kmx-1"));
  EXPECT_EQ(s->size(), 1u);
  EXPECT_TRUE(s->take(spec_named("kmx-1")));
  EXPECT_EQ(s->size(), 0u);
  EXPECT_FALSE(s->take(spec_named("kmx-1")));  // it is the caller's now
  s.reset();
  EXPECT_THAT(made_, ElementsAre("kmx-1"));
  EXPECT_THAT(discarded_, IsEmpty());
}

TEST_F(SpareDomainsTest, NoSpareMeansAFreshStart) {
  auto s = spares();
  EXPECT_FALSE(s->take(spec_named("kmx-1")));
  s.reset();
  EXPECT_THAT(made_, IsEmpty());
}

// A spare of the right name made for other tests would run the wrong ones.
TEST_F(SpareDomainsTest, ASpareOfAnotherSpecIsDiscardedNotTaken) {
  auto s = spares();
  s->prepare(spec_named("kmx-1", "kmx.tests=kmod:0001"));
  EXPECT_FALSE(s->take(spec_named("kmx-1", "kmx.tests=kmod:0002")));
  EXPECT_THAT(discarded_, ElementsAre("kmx-1 kmx.tests=kmod:0001"));
  EXPECT_EQ(s->size(), 0u);
}

TEST_F(SpareDomainsTest, ASecondPrepareOfTheSameNameMakesNothingMore) {
  auto s = spares();
  s->prepare(spec_named("kmx-1"));
  s->prepare(spec_named("kmx-1", "other"));
  EXPECT_EQ(s->size(), 1u);
  EXPECT_TRUE(s->take(spec_named("kmx-1")));
  EXPECT_THAT(made_, ElementsAre("kmx-1"));
}

TEST_F(SpareDomainsTest, ASpareThatCouldNotBeMadeIsNeitherTakenNorDiscarded) {
  auto s = spares("libvirt said no");
  s->prepare(spec_named("kmx-1"));
  EXPECT_FALSE(s->take(spec_named("kmx-1")));
  s->prepare(spec_named("kmx-2"));
  s.reset();
  EXPECT_THAT(discarded_, IsEmpty());
}

TEST_F(SpareDomainsTest, AThrowingMakerCountsAsNotMade) {
  SpareDomains s([](const VmSpec&) -> std::string { throw std::runtime_error("bug"); },
                 [this](const VmSpec& spec) { discarded_.push_back(spec.name); });
  s.prepare(spec_named("kmx-1"));
  EXPECT_FALSE(s.take(spec_named("kmx-1")));
  EXPECT_THAT(discarded_, IsEmpty());
}

// A run that stops leaves no spare behind.
TEST_F(SpareDomainsTest, SparesNeverTakenAreDiscardedAtTheEnd) {
  auto s = spares();
  s->prepare(spec_named("kmx-1"));
  s->prepare(spec_named("kmx-2"));
  ASSERT_TRUE(s->take(spec_named("kmx-1")));
  s.reset();
  EXPECT_THAT(discarded_, ElementsAre("kmx-2 kmx.tests=kmod:0001"));
}

// A guess that did not come true (the cell went to another host) is ended
// when a newer one would make more than `capacity` wait.
TEST_F(SpareDomainsTest, TheOldestSpareIsEndedWhenMoreThanTheCapacityWouldWait) {
  SpareDomains s([](const VmSpec&) { return std::string(); },
                 [this](const VmSpec& spec) {
                   std::lock_guard lock(mutex_);
                   discarded_.push_back(spec.name);
                 },
                 2);
  s.prepare(spec_named("kmx-1"));
  s.prepare(spec_named("kmx-2"));
  s.prepare(spec_named("kmx-3"));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_FALSE(s.take(spec_named("kmx-1")));  // waits until it is ended: the name is free again
  {
    std::lock_guard lock(mutex_);
    EXPECT_THAT(discarded_, ElementsAre("kmx-1"));
  }
  EXPECT_TRUE(s.take(spec_named("kmx-2")));
  EXPECT_TRUE(s.take(spec_named("kmx-3")));
}

// take() waits for a making under way instead of racing it.
TEST_F(SpareDomainsTest, TakeWaitsForTheMakingUnderWay) {
  std::mutex gate_mutex;
  std::condition_variable gate;
  bool open = false, made = false;
  SpareDomains s(
      [&](const VmSpec&) {
        std::unique_lock lock(gate_mutex);
        gate.wait(lock, [&] { return open; });
        made = true;
        return std::string();
      },
      [](const VmSpec&) {});
  s.prepare(spec_named("kmx-1"));
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard lock(gate_mutex);
    open = true;
    gate.notify_all();
  });
  EXPECT_TRUE(s.take(spec_named("kmx-1")));
  EXPECT_TRUE(made);
  opener.join();
}

}  // namespace
}  // namespace kmx
