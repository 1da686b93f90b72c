// What the application sees of one client connection: a way to send it text frames and to
// close it. Implemented by the WebSocket session; every method is safe to call from any thread.
// Invariant: frames passed to send() are delivered in the order of the calls.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace plenary::app {

class Connection {
public:
  virtual ~Connection() = default;
  virtual std::uint64_t id() const = 0;
  virtual const std::string& remote() const = 0;
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  // Closes with a WebSocket close code and a short reason once queued frames are written.
  virtual void close(int code, std::string reason) = 0;
};

}  // namespace plenary::app
