// The embedded Imgur-compatible gallery (thumbflow::GalleryServer) on cpp-httplib.
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/listen_socket.hpp"
#include "gallery/api.hpp"
#include "gallery/catalog.hpp"
#include "thumbflow/gallery.hpp"

namespace thumbflow {
namespace {

// httplib gives each connection a pool thread for its whole keep-alive life, and a response's
// latency is a sleep on that thread: 100 clients downloading at once with 100 ms latency must not
// wait for each other, so the pool is far larger than httplib's default (cores - 1, at least 8).
constexpr std::size_t kServerThreads = 128;
// An idle keep-alive connection holds its thread this long; it also bounds how long stop() waits.
constexpr int kKeepAliveS = 2;

void check_options(const GalleryServerOptions& o) {
  const auto bad = [](const std::string& what) { throw std::invalid_argument("gallery server: " + what); };
  if (o.port < 0 || o.port > 65535) bad("port " + std::to_string(o.port) + " is not in 0..65535");
  if (o.latency_ms < 0 || o.latency_ms > 60000)
    bad("latency " + std::to_string(o.latency_ms) + " ms is not in 0..60000");
  if (o.per_page < 1 || o.per_page > 1000)
    bad("per_page " + std::to_string(o.per_page) + " is not in 1..1000");
  if (o.rate_limit < 0) bad("rate limit " + std::to_string(o.rate_limit) + " is negative");
  if (o.rate_window_s < 1 || o.rate_window_s > 604800)
    bad("rate window " + std::to_string(o.rate_window_s) + " s is not in 1..604800");
}

// Debian's libcpp-httplib is compiled with a listen backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG):
// when more clients connect at once, the kernel drops their SYNs and they retry a second later.
// listen() again on the bound socket raises the backlog.
class HttpServer : public httplib::Server {
 public:
  bool raise_backlog() { return ::listen(svr_sock_, SOMAXCONN) == 0; }
};

}  // namespace

struct GalleryServer::Impl {
  GalleryServerOptions options;
  detail::GalleryCatalog catalog;
  std::unique_ptr<detail::GalleryApi> api;
  HttpServer http;
  std::thread listener;
  int port = 0;
  std::string url;

  std::mutex mu;
  std::condition_variable cv;  // wakes wait() and the latency sleeps at stop()
  bool stopping = false;       // guarded by mu
  std::atomic<bool> listen_ended{false};

  // Sleeps the latency; false when the server stopped meanwhile.
  bool delay() {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::milliseconds(options.latency_ms), [this] { return stopping; });
    return !stopping;
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    if (!delay()) {
      res.status = 503;
      res.set_content(detail::render_error(503, "the server is stopping"), "application/json");
      return;
    }
    if (req.path.starts_with("/i/")) {
      serve_file(req.path.substr(3), res);
      return;
    }
    if (req.path.starts_with("/a/")) {
      const std::string html = api->album_page(req.path.substr(3));
      if (html.empty()) {
        res.status = 404;
        res.set_content(detail::render_error(404, "no album at " + req.path), "application/json");
      } else {
        res.set_content(html, "text/html; charset=utf-8");
      }
      return;
    }
    const detail::ApiReply reply = api->answer(req.path, req.get_header_value("Authorization"));
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
    res.set_content(reply.body, "application/json");
  }

  // "<id>.<ext>" streamed from the file, with the size it has now.
  void serve_file(const std::string& name, httplib::Response& res) {
    const detail::ServedFile* file = api->file_for(name);
    std::error_code ec;
    const std::uintmax_t size = file ? std::filesystem::file_size(file->path, ec) : 0;
    if (!file || ec) {
      res.status = 404;
      res.set_content(detail::render_error(404, "no image '" + name + "'"), "application/json");
      return;
    }
    auto in = std::make_shared<std::ifstream>(file->path, std::ios::binary);
    res.set_content_provider(static_cast<std::size_t>(size), file->type,
                             [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               char buffer[64 * 1024];
                               in->seekg(static_cast<std::streamoff>(offset));
                               in->read(buffer,
                                        static_cast<std::streamsize>(std::min(length, sizeof buffer)));
                               // A file that shrank since: end the connection rather than send less.
                               if (in->gcount() <= 0) return false;
                               return sink.write(buffer, static_cast<std::size_t>(in->gcount()));
                             });
  }
};

GalleryServer::GalleryServer(const GalleryServerOptions& options) : impl_(std::make_unique<Impl>()) {
  check_options(options);
  Impl& s = *impl_;
  s.options = options;
  s.catalog = detail::scan_gallery_folder(options.folder);

  s.http.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  s.http.set_socket_options(detail::reuse_address_only);
  s.http.set_keep_alive_timeout(kKeepAliveS);
  s.http.Get(".*", [&s](const httplib::Request& req, httplib::Response& res) { s.handle(req, res); });
  // What httplib answers itself (other methods, malformed requests) gets the error envelope too.
  // httplib calls it for every status >= 400, also for the replies above: those keep their body.
  s.http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string what = res.status == 404 ? "no such endpoint: " : "cannot answer " + req.method + " ";
    res.set_content(detail::render_error(res.status, what + req.path), "application/json");
  });
  const char* host = "127.0.0.1";
  s.port = options.port == 0 ? s.http.bind_to_any_port(host)
                             : (s.http.bind_to_port(host, options.port) ? options.port : -1);
  if (s.port <= 0)
    throw std::runtime_error("gallery server: cannot listen on 127.0.0.1:" + std::to_string(options.port) +
                             " (port in use or not allowed)");
  if (!s.http.raise_backlog())
    throw std::runtime_error("gallery server: cannot listen on 127.0.0.1:" + std::to_string(s.port));
  s.url = "http://127.0.0.1:" + std::to_string(s.port);
  s.catalog.with_base_url(s.url);
  s.api = std::make_unique<detail::GalleryApi>(s.catalog, options.per_page, options.client_id,
                                               options.rate_limit, options.rate_window_s);

  s.listener = std::thread([&s] {
    s.http.listen_after_bind();
    s.listen_ended = true;
    std::lock_guard lock(s.mu);  // if listening failed, wait() must not block forever
    s.stopping = true;
    s.cv.notify_all();
  });
  // httplib's stop() does nothing until listening has begun: wait for it so that an early stop()
  // is not lost.
  for (int i = 0; i < 10000 && !s.http.is_running() && !s.listen_ended; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

GalleryServer::~GalleryServer() {
  stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

int GalleryServer::port() const { return impl_->port; }
std::string GalleryServer::url() const { return impl_->url; }
std::size_t GalleryServer::image_count() const { return impl_->catalog.image_count; }
std::size_t GalleryServer::album_count() const { return impl_->catalog.albums.size(); }

void GalleryServer::wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopping; });
}

void GalleryServer::stop() {
  bool first = false;
  {
    std::lock_guard lock(impl_->mu);
    first = !impl_->stopping;
    impl_->stopping = true;
    impl_->cv.notify_all();
  }
  if (first) impl_->http.stop();
}

}  // namespace thumbflow
