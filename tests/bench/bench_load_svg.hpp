// bench_load's plot: a hand-written SVG (no tools needed) of connections held, server RSS and
// CPU over time with the phase marks, the per-second p95 latencies, and the latency
// percentiles against their targets.
#pragma once

#include "bench_load_wire.hpp"

#include <tuple>

namespace bench::load {

struct Sample {
  double t, rss_mib, cpu_s;
  std::uint64_t held, in, out;
};


// A round axis step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up to vmax.
inline double nice_step(double vmax, int ticks) {
  double raw = vmax / ticks, p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

inline std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// A hand-written SVG: connections held, server RSS and server CPU over time (with the phase
// marks), and the latency percentiles against their targets.
using Series = std::vector<std::pair<double, double>>;  // (t s, value)

inline std::string svg_plot(const std::vector<Sample>& s, const std::vector<std::pair<double, std::string>>& marks,
                     const std::vector<std::tuple<std::string, double, double, double, double>>& lat,
                     const std::vector<std::pair<std::string, Series>>& lat_t, const std::string& title) {
  const int W = 900, PH = 170, L = 70, R = 20, top = 40;
  int n_panels = lat_t.empty() ? 3 : 4, lat_h = lat.empty() ? 0 : 220;
  int H = top + n_panels * (PH + 40) + lat_h + 20;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << L << "\" y=\"22\" font-size=\"14\" font-weight=\"bold\">" << title << "</text>\n";
  double tmax = s.empty() ? 1 : std::max(1.0, s.back().t);
  std::vector<double> cpu_pct(s.size(), 0);
  for (size_t i = 1; i < s.size(); ++i)
    cpu_pct[i] = s[i].t > s[i - 1].t ? 100 * (s[i].cpu_s - s[i - 1].cpu_s) / (s[i].t - s[i - 1].t) : 0;
  struct Panel {
    std::string name;
    std::vector<std::pair<std::string, Series>> series;
    double limit = -1;
    std::string limit_label;
  };
  std::vector<Panel> panels(3);
  panels[0].name = "connections held";
  panels[1].name = "server RSS (MiB)";
  panels[1].limit = 1024;
  panels[1].limit_label = "1 GiB";
  panels[2].name = "server CPU (% of one core)";
  panels[2].limit = 200;
  panels[2].limit_label = "2 cores";
  for (auto& p : panels) p.series.resize(1);
  for (size_t i = 0; i < s.size(); ++i) {
    panels[0].series[0].second.emplace_back(s[i].t, double(s[i].held));
    panels[1].series[0].second.emplace_back(s[i].t, s[i].rss_mib);
    panels[2].series[0].second.emplace_back(s[i].t, cpu_pct[i]);
  }
  if (!lat_t.empty()) {
    panels.push_back({"p95 latency per second (ms)", lat_t, 100, "100 ms"});
  }
  const char* line_colours[] = {"#06c", "#c0392b", "#27ae60"};
  for (int p = 0; p < n_panels; ++p) {
    int y0 = top + p * (PH + 40) + 20;
    auto& P = panels[static_cast<size_t>(p)];
    double vmax = 1;
    for (auto& [label, ser] : P.series)
      for (auto& pt : ser) vmax = std::max(vmax, pt.second);
    if (P.limit > 0) vmax = std::max(vmax, P.limit);
    vmax *= 1.05;
    auto X = [&](double t) { return L + (W - L - R) * t / tmax; };
    auto Y = [&](double v) { return y0 + PH - PH * v / vmax; };
    o << "<text x=\"" << L << "\" y=\"" << y0 - 6 << "\" font-weight=\"bold\">" << P.name << "</text>\n";
    o << "<rect x=\"" << L << "\" y=\"" << y0 << "\" width=\"" << W - L - R << "\" height=\"" << PH
      << "\" fill=\"none\" stroke=\"#888\"/>\n";
    for (double v = 0, step = nice_step(vmax, 4); v <= vmax; v += step) {
      o << "<text x=\"" << L - 4 << "\" y=\"" << Y(v) + 4 << "\" text-anchor=\"end\">" << fmt("%.0f", v) << "</text>\n";
      o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << Y(v) << "\" y2=\"" << Y(v)
        << "\" stroke=\"#eee\"/>\n";
    }
    for (double t = 0, step = nice_step(tmax, 10); t <= tmax; t += step) {
      o << "<text x=\"" << X(t) << "\" y=\"" << y0 + PH + 13 << "\" text-anchor=\"middle\">" << fmt("%.0f s", t)
        << "</text>\n";
    }
    for (size_t k = 0; k < marks.size(); ++k) {
      auto& [t, what] = marks[k];
      o << "<line x1=\"" << X(t) << "\" x2=\"" << X(t) << "\" y1=\"" << y0 << "\" y2=\"" << y0 + PH
        << "\" stroke=\"#c60\" stroke-dasharray=\"3,3\"/>"
        << (p == 0 ? "<text x=\"" + fmt("%.1f", X(t) + 3) + "\" y=\"" + std::to_string(y0 + 12 + 12 * (k % 4)) +
                         "\" fill=\"#c60\">" + what + "</text>"
                   : "")
        << "\n";
    }
    if (P.limit > 0)
      o << "<line x1=\"" << L << "\" x2=\"" << W - R << "\" y1=\"" << Y(P.limit) << "\" y2=\"" << Y(P.limit)
        << "\" stroke=\"#c00\" stroke-dasharray=\"6,3\"/><text x=\"" << W - R - 4 << "\" y=\"" << Y(P.limit) - 3
        << "\" text-anchor=\"end\" fill=\"#c00\">" << P.limit_label << "</text>\n";
    for (size_t k = 0; k < P.series.size(); ++k) {
      auto& [label, ser] = P.series[k];
      const char* colour = line_colours[k % 3];
      o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\" points=\"";
      for (auto& pt : ser) o << fmt("%.1f", X(pt.first)) << "," << fmt("%.1f", Y(pt.second)) << " ";
      o << "\"/>\n";
      if (!label.empty())
        o << "<text x=\"" << W - R - 8 - 110 * static_cast<int>(k) << "\" y=\"" << y0 - 6 << "\" text-anchor=\"end\" fill=\""
          << colour << "\">" << label << "</text>\n";
    }
  }
  if (!lat.empty()) {
    int y0 = top + n_panels * (PH + 40) + 20, ph = lat_h - 50;
    double vmax = 1;
    for (auto& [name, p50, p95, p99, target] : lat) vmax = std::max({vmax, p99, target});
    vmax *= 1.1;
    auto Y = [&](double v) { return y0 + ph - ph * v / vmax; };
    o << "<text x=\"" << L << "\" y=\"" << y0 - 6 << "\" font-weight=\"bold\">latency (ms): p50 / p95 / p99, "
      << "dashed = target</text>\n";
    o << "<rect x=\"" << L << "\" y=\"" << y0 << "\" width=\"" << W - L - R << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"#888\"/>\n";
    for (double v = 0, step = nice_step(vmax, 4); v <= vmax; v += step)
      o << "<text x=\"" << L - 4 << "\" y=\"" << Y(v) + 4 << "\" text-anchor=\"end\">" << fmt("%.0f", v)
        << "</text>\n";
    double gw = double(W - L - R) / double(lat.size());
    const char* colours[] = {"#7ab", "#37a", "#135"};
    for (size_t g = 0; g < lat.size(); ++g) {
      auto& [name, p50, p95, p99, target] = lat[g];
      double vals[] = {p50, p95, p99};
      double x = L + g * gw + gw * 0.2, bw = gw * 0.6 / 3;
      for (int k = 0; k < 3; ++k) {
        double bx = x + k * bw;
        o << "<rect x=\"" << fmt("%.1f", bx) << "\" y=\"" << fmt("%.1f", Y(vals[k])) << "\" width=\""
          << fmt("%.1f", bw - 2) << "\" height=\"" << fmt("%.1f", y0 + ph - Y(vals[k])) << "\" fill=\"" << colours[k]
          << "\"/><text x=\"" << fmt("%.1f", bx + bw / 2) << "\" y=\"" << fmt("%.1f", Y(vals[k]) - 3)
          << "\" text-anchor=\"middle\">" << fmt("%.1f", vals[k]) << "</text>\n";
      }
      if (target > 0)
        o << "<line x1=\"" << fmt("%.1f", L + g * gw + 4) << "\" x2=\"" << fmt("%.1f", L + (g + 1) * gw - 4)
          << "\" y1=\"" << Y(target) << "\" y2=\"" << Y(target) << "\" stroke=\"#c00\" stroke-dasharray=\"6,3\"/>\n";
      o << "<text x=\"" << fmt("%.1f", L + g * gw + gw / 2) << "\" y=\"" << y0 + ph + 14
        << "\" text-anchor=\"middle\">" << name << "</text>\n";
    }
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace bench::load
