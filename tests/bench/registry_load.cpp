// The registry under check load: registers instances and measures API latency.
//   registry_load register PORT TOKEN COUNT http|ttl TARGET_PORTS(comma-separated)
//   registry_load measure  PORT TOKEN SECONDS RATE
//   registry_load stats    PORT TOKEN
// Plain blocking sockets and HTTP/1.1 keep-alive, so the client adds as little as possible.
#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

class Connection
{
public:
    explicit Connection(int port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(uint16_t(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            std::perror("connect");
            std::exit(1);
        }
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Connection() { ::close(m_fd); }

    // Returns the status; the body in *body.
    int call(const std::string &method, const std::string &path, const std::string &token,
             const std::string &body, std::string *responseBody)
    {
        std::string request = method + " " + path + " HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " +
                              token + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
        if (!body.empty())
            request += "Content-Type: application/json\r\n";
        request += "\r\n" + body;
        size_t sent = 0;
        while (sent < request.size()) {
            const ssize_t n = ::send(m_fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                std::perror("send");
                std::exit(1);
            }
            sent += size_t(n);
        }
        for (;;) {
            const size_t headEnd = m_buffer.find("\r\n\r\n");
            if (headEnd != std::string::npos) {
                const size_t cl = m_buffer.find("Content-Length: ");
                const size_t length = cl < headEnd ? std::stoul(m_buffer.substr(cl + 16)) : 0;
                if (m_buffer.size() >= headEnd + 4 + length) {
                    const int status = std::atoi(m_buffer.c_str() + 9);
                    if (responseBody)
                        *responseBody = m_buffer.substr(headEnd + 4, length);
                    m_buffer.erase(0, headEnd + 4 + length);
                    return status;
                }
            }
            char chunk[65536];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                std::fprintf(stderr, "the server closed the connection\n");
                std::exit(1);
            }
            m_buffer.append(chunk, size_t(n));
        }
    }

private:
    int m_fd = -1;
    std::string m_buffer;
};

int registerInstances(int port, const std::string &token, int count, const std::string &kind,
                      const std::string &targets)
{
    std::vector<int> ports;
    for (size_t start = 0; start < targets.size();) {
        const size_t comma = targets.find(',', start);
        ports.push_back(std::atoi(targets.substr(start, comma - start).c_str()));
        start = comma == std::string::npos ? targets.size() : comma + 1;
    }
    Connection c(port);
    const std::string check =
        kind == "http" ? R"({"http":"/healthz","intervalMs":1000,"timeoutMs":500,"healthyThreshold":1})"
                       : R"({"ttlMs":3600000})";
    for (int i = 0; i < count; ++i) {
        const int target = ports[size_t(i) % ports.size()];
        const std::string service = "svc-" + std::to_string(i / int(ports.size()));
        const std::string body = R"({"address":"127.0.0.1","port":)" + std::to_string(target) +
                                 R"(,"version":"1.0","check":)" + check + "}";
        std::string answer;
        const int status =
            c.call("POST", "/v1/registry/services/" + service + "/instances", token, body, &answer);
        if (status != 200 && status != 201) {
            std::fprintf(stderr, "registration %d failed: %d %s\n", i, status, answer.c_str());
            return 1;
        }
    }
    return 0;
}

int measure(int port, const std::string &token, int seconds, int rate)
{
    Connection c(port);
    std::vector<double> latencies;
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto period = std::chrono::microseconds(1'000'000 / rate);
    auto next = start;
    int k = 0;
    while (Clock::now() - start < std::chrono::seconds(seconds)) {
        std::this_thread::sleep_until(next);
        next += period;
        const std::string path = (k % 2 == 0) ? "/v1/registry/services/svc-" + std::to_string((k / 2) % 50) +
                                                    "/instances?status=passing"
                                              : std::string("/v1/registry/services");
        ++k;
        const auto t0 = Clock::now();
        std::string body;
        const int status = c.call("GET", path, token, {}, &body);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (status != 200 && status != 404) {
            std::fprintf(stderr, "GET %s answered %d\n", path.c_str(), status);
            return 1;
        }
        latencies.push_back(ms);
    }
    std::sort(latencies.begin(), latencies.end());
    auto at = [&latencies](double q) {
        return latencies[std::min(latencies.size() - 1, size_t(q * double(latencies.size())))];
    };
    std::printf("{\"requests\":%zu,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}\n", latencies.size(), at(0.5),
                at(0.99), latencies.back());
    return 0;
}

int stats(int port, const std::string &token)
{
    Connection c(port);
    std::string body;
    if (c.call("GET", "/v1/registry/stats", token, {}, &body) != 200)
        return 1;
    std::printf("%s\n", body.c_str());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "register" && argc == 7)
        return registerInstances(std::atoi(argv[2]), argv[3], std::atoi(argv[4]), argv[5], argv[6]);
    if (mode == "measure" && argc == 6)
        return measure(std::atoi(argv[2]), argv[3], std::atoi(argv[4]), std::max(1, std::atoi(argv[5])));
    if (mode == "stats" && argc == 4)
        return stats(std::atoi(argv[2]), argv[3]);
    std::fprintf(stderr, "usage: registry_load register PORT TOKEN COUNT http|ttl PORTS | measure PORT TOKEN "
                         "SECONDS RATE | stats PORT TOKEN\n");
    return 2;
}
