// The images of a run's cells, one at a time in the order of the cells that
// need them: the first before any VM boots, the others on a background
// thread at a lower CPU priority (nice 10, inherited by the compilers and
// tools it starts) while the cells whose image exists already run. A cell
// is handed to the pool once its image exists or has failed.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "matrix/matrix.h"
#include "os/phase_timings.h"
#include "run/cell_pool.h"
#include "run/image_source.h"

namespace kmx {

class ImagePipeline {
 public:
  // Prepares the first image here: an UnknownInputError for it stops the run
  // before any VM boots (the matrix check has resolved every kernel and
  // kmod by then, so later ones are rare). ready() says which cells have
  // their image; cached images take the background thread milliseconds.
  ImagePipeline(const std::vector<Cell>& cells, ImageSource& images, const std::atomic<bool>& stop,
                PhaseTimings* timings = nullptr);
  ~ImagePipeline();  // waits for the image being built
  ImagePipeline(const ImagePipeline&) = delete;
  ImagePipeline& operator=(const ImagePipeline&) = delete;

  // By position in `cells`: whether its image was settled (built or failed)
  // before any VM, i.e. the first image's cells; the others reach the pool
  // through build_rest().
  const std::vector<bool>& ready() const { return ready_; }
  // Builds the rest on the background thread, adding each image's cells to
  // `later` as it is settled, then closes it.
  void build_rest(ReadyCells& later);

  // For a settled cell (by Cell::index): its image, or why there is none.
  Image image(int cell_index) const;
  std::optional<std::string> error(int cell_index) const;
  // An image the background thread found to be bad input (UnknownInputError):
  // its cells are ERROR; the run ends with exit 2 after recording them.
  std::optional<std::string> bad_input() const;

 private:
  // The positions in the run's cells of those sharing one image.
  using Group = std::vector<std::size_t>;
  // before_any_vm: an UnknownInputError propagates.
  void settle(const Group& group, bool before_any_vm);

  const std::vector<Cell>& cells_;
  ImageSource& images_;
  const std::atomic<bool>& stop_;
  PhaseTimings* timings_;
  std::vector<Group> groups_;  // first cell's order
  std::vector<bool> ready_;    // written before any thread starts, then only read
  mutable std::mutex mutex_;
  std::map<int, Image> image_;
  std::map<int, std::string> error_;
  std::optional<std::string> bad_input_;
  std::thread thread_;
};

}  // namespace kmx
