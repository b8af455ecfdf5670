// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/line_process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace rnnpool::cli {

LineProcess::LineProcess(const std::vector<std::string> &argv) {
  if (argv.empty()) throw std::runtime_error("line process: no program given");
  int in[2], out[2];
  if (pipe(in) != 0) throw std::runtime_error("cannot create a pipe for " + argv[0]);
  if (pipe(out) != 0) {
    close(in[0]);
    close(in[1]);
    throw std::runtime_error("cannot create a pipe for " + argv[0]);
  }
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    execvp(args[0], args.data());
    _exit(127); // the parent sees end of output
  }
  close(in[0]);
  close(out[1]);
  if (pid_ < 0) {
    close(in[1]);
    close(out[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(errno));
  }
  to_child_ = in[1];
  from_child_ = out[0];
  std::signal(SIGPIPE, SIG_IGN); // a child that died makes send() fail instead of killing us
}

LineProcess::~LineProcess() {
  if (to_child_ >= 0) close(to_child_);
  if (from_child_ >= 0) close(from_child_);
  if (pid_ > 0) {
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool LineProcess::send(const std::string &line) {
  const std::string data = line + "\n";
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(to_child_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += std::size_t(n);
  }
  return true;
}

std::optional<std::string> LineProcess::receive() {
  for (;;) {
    const std::size_t nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    char buf[4096];
    const ssize_t n = read(from_child_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (pending_.empty()) return std::nullopt;
      std::string rest;
      rest.swap(pending_);
      return rest;
    }
    pending_.append(buf, std::size_t(n));
  }
}

} // namespace rnnpool::cli
