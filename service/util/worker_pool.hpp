// A small fixed pool of threads for CPU work that must not run on a thread that others wait on
// (the store's writer, the fetcher): e.g. signing a token after a replay-cache commit.
// Tasks run in FIFO order. stop() (and the destructor) finishes queued tasks and joins; a task
// posted after that runs inline on the caller, so late callbacks at shutdown still complete.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sa {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> task);
  void stop();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sa
