// haku-gen-corpus: writes N synthetic trilingual project records as JSON Lines, deterministic for a seed,
// for scale tests and benchmarks. Vocabulary is drawn Zipf-like from the sample corpus and the installed
// word lists. Single-threaded; all state lives in main's objects.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "corpus/project.h"
#include "corpus/reader.h"
#include "corpus/text_util.h"

namespace {

namespace fs = std::filesystem;
using haku::Project;

// xoshiro256** seeded by splitmix64: fast and identical on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  size_t below(size_t n) { return static_cast<size_t>(uniform() * static_cast<double>(n)); }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<size_t>(hi - lo + 1))); }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Draws indexes 0..n-1 with probability proportional to 1 / (rank + q)^s.
class Zipf {
 public:
  Zipf() = default;
  Zipf(size_t n, double s, double q) : cdf_(n) {
    double sum = 0;
    for (size_t r = 0; r < n; ++r) cdf_[r] = (sum += 1.0 / std::pow(static_cast<double>(r) + 1.0 + q, s));
    for (auto& c : cdf_) c /= sum;
  }
  size_t draw(Rng& rng) const {
    double u = rng.uniform();
    size_t i = static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
    return std::min(i, cdf_.size() - 1);
  }
  size_t size() const { return cdf_.size(); }

 private:
  std::vector<double> cdf_;
};

// A weighted choice among a fixed list.
template <class T>
struct Weighted {
  T value;
  double weight;
};

template <class T>
const T& pick(Rng& rng, const std::vector<Weighted<T>>& items) {
  double total = 0;
  for (const auto& i : items) total += i.weight;
  double u = rng.uniform() * total;
  for (const auto& i : items) {
    if ((u -= i.weight) < 0) return i.value;
  }
  return items.back().value;
}

template <class T>
const T& pick(Rng& rng, const std::vector<T>& items) {
  return items[rng.below(items.size())];
}

constexpr int kLatestStartYear = 2025;  // the newest projects in the registers

struct Options {
  uint64_t count = 1000;
  uint64_t seed = 1;
  std::string out;
  std::string sample_dir = HAKU_DEFAULT_SAMPLE_DIR;
  std::string dict_sv = "/usr/share/dict/swedish";
  std::string dict_en = "/usr/share/dict/american-english";
  std::vector<std::string> dict_fi = {"/usr/share/dictd/freedict-fin-eng.index",
                                      "/usr/share/dictd/freedict-fin-swe.index"};
};

// Function words lead each ranking so running text reads like the language even without samples.
const std::vector<std::string>& function_words(const std::string& lang) {
  static const std::map<std::string, std::vector<std::string>> kWords = {
      {"fi",
       {"ja", "on", "hankkeen", "sekä", "että", "hanke", "myös", "tai", "ovat", "kanssa", "jossa", "jotka", "kehittäminen",
        "alueen", "avulla", "toiminnan", "tavoitteena", "uusia", "osana", "lisäksi", "yritysten", "osaamisen",
        "yhteistyötä", "kautta", "tukea", "mukaan", "toimijoiden", "ei", "se", "niiden"}},
      {"sv",
       {"och", "att", "för", "som", "med", "av", "till", "i", "på", "projektet", "är", "en", "ett", "det", "de",
        "inom", "genom", "ska", "samt", "kommer", "nya", "om", "från", "mellan", "regionen", "företag", "stöd",
        "utveckla", "öka", "kunskap"}},
      {"en",
       {"the", "and", "of", "to", "in", "for", "a", "project", "will", "with", "on", "is", "by", "as", "be", "are",
        "this", "new", "from", "support", "development", "region", "local", "at", "its", "an", "which", "their",
        "skills", "services"}},
  };
  return kWords.at(lang);
}

bool is_word_byte(unsigned char c) { return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Lower-case letters only (ASCII or multi-byte), optional inner hyphens, 2..24 bytes.
bool good_word(std::string_view w) {
  if (w.size() < 2 || w.size() > 24 || w.front() == '-' || w.back() == '-') return false;
  size_t bad = 0;
  if (!haku::valid_utf8(w, &bad)) return false;
  for (size_t i = 0; i < w.size(); ++i) {
    auto u = static_cast<unsigned char>(w[i]);
    if ((w[i] >= 'a' && w[i] <= 'z') || w[i] == '-') continue;
    // Multi-byte: Latin letters only (U+00C0..U+017F: ä ö å é š ž ...), not dashes or quotes.
    if ((u == 0xC3 || u == 0xC4 || u == 0xC5) && i + 1 < w.size()) {
      auto next = static_cast<unsigned char>(w[i + 1]);
      if (u == 0xC3 && (next == 0x97 || next == 0xB7)) return false;  // the multiplication and division signs
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

struct Vocabulary {
  std::vector<std::string> words;  // ranked: function words, sample words by frequency, dictionary words
  size_t content_start = 0;        // first rank that is not a function word
  Zipf text;                       // for running text
  Zipf content;                    // for titles, over words[content_start..]
};

class VocabularyBuilder {
 public:
  explicit VocabularyBuilder(const std::string& lang) : lang_(lang) {}

  void add_sample_text(std::string_view text) {
    std::string w;
    auto flush = [&] {
      if (!w.empty()) {
        std::string lower = haku::utf8_lower_nordic(w);
        if (good_word(lower)) ++sample_counts_[lower];
      }
      w.clear();
    };
    for (char c : text) {
      if (is_word_byte(static_cast<unsigned char>(c)) || (c == '-' && !w.empty()))
        w.push_back(c);
      else
        flush();
    }
    flush();
  }

  // One word per line; for dictd indexes the headword is the first tab-separated column.
  size_t add_word_list(const std::string& path) {
    std::ifstream in(path);
    if (!in) return 0;
    size_t added = 0;
    for (std::string line; std::getline(in, line);) {
      std::string_view w = line;
      w = w.substr(0, w.find('\t'));
      if (w.starts_with("00database") || w.find('\'') != std::string_view::npos) continue;
      if (!w.empty() && w[0] >= 'A' && w[0] <= 'Z') continue;  // proper nouns
      if (!good_word(w)) continue;
      added += dictionary_.insert(std::string(w)).second;
    }
    return added;
  }

  Vocabulary build() const {
    Vocabulary v;
    std::unordered_set<std::string> seen;
    for (const auto& w : function_words(lang_))
      if (seen.insert(w).second) v.words.push_back(w);
    v.content_start = v.words.size();
    std::vector<std::pair<std::string, uint64_t>> sample(sample_counts_.begin(), sample_counts_.end());
    std::sort(sample.begin(), sample.end(),
              [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    for (const auto& [w, n] : sample)
      if (seen.insert(w).second) v.words.push_back(w);
    std::vector<std::string> dict;
    for (const auto& w : dictionary_)
      if (!seen.count(w)) dict.push_back(w);
    // A fixed, seed-independent order: the vocabulary's ranks are the same for every seed.
    std::sort(dict.begin(), dict.end(), [](const std::string& a, const std::string& b) {
      uint64_t ha = fnv1a(a), hb = fnv1a(b);
      return ha != hb ? ha < hb : a < b;
    });
    for (auto& w : dict) v.words.push_back(std::move(w));
    v.text = Zipf(v.words.size(), 1.05, 2.7);
    v.content = Zipf(v.words.size() - v.content_start, 0.95, 10.0);
    return v;
  }

  size_t sample_words() const { return sample_counts_.size(); }

 private:
  std::string lang_;
  std::unordered_map<std::string, uint64_t> sample_counts_;
  std::unordered_set<std::string> dictionary_;
};

struct Region {
  std::string code;
  std::string name_fi, name_sv, name_en;
  std::vector<std::string> places_fi, places_sv;  // municipalities, largest first
  double weight;
};

const std::vector<Region>& finnish_regions() {
  static const std::vector<Region> kRegions = {
      {"FI1B1", "Helsinki-Uusimaa", "Helsingfors-Nyland", "Helsinki-Uusimaa",
       {"Helsinki", "Espoo", "Vantaa", "Porvoo", "Lohja", "Hyvinkää", "Järvenpää", "Kerava", "Tuusula", "Raasepori", "Loviisa", "Kirkkonummi"},
       {"Helsingfors", "Esbo", "Vanda", "Borgå", "Lojo", "Hyvinge", "Träskända", "Kervo", "Tusby", "Raseborg", "Lovisa", "Kyrkslätt"}, 30},
      {"FI1C1", "Varsinais-Suomi", "Egentliga Finland", "Southwest Finland",
       {"Turku", "Salo", "Kaarina", "Raisio", "Naantali", "Uusikaupunki", "Parainen", "Kemiönsaari"},
       {"Åbo", "Salo", "S:t Karins", "Reso", "Nådendal", "Nystad", "Pargas", "Kimitoön"}, 9},
      {"FI197", "Pirkanmaa", "Birkaland", "Pirkanmaa",
       {"Tampere", "Nokia", "Ylöjärvi", "Kangasala", "Lempäälä", "Valkeakoski", "Sastamala"},
       {"Tammerfors", "Nokia", "Ylöjärvi", "Kangasala", "Lempäälä", "Valkeakoski", "Sastamala"}, 9},
      {"FI1D9", "Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia",
       {"Oulu", "Raahe", "Kempele", "Kuusamo", "Ylivieska", "Kalajoki", "Nivala"},
       {"Uleåborg", "Brahestad", "Kempele", "Kuusamo", "Ylivieska", "Kalajoki", "Nivala"}, 8},
      {"FI193", "Keski-Suomi", "Mellersta Finland", "Central Finland",
       {"Jyväskylä", "Jämsä", "Äänekoski", "Laukaa", "Muurame", "Keuruu"},
       {"Jyväskylä", "Jämsä", "Äänekoski", "Laukas", "Muurame", "Keuruu"}, 6},
      {"FI1D2", "Pohjois-Savo", "Norra Savolax", "North Savo",
       {"Kuopio", "Iisalmi", "Varkaus", "Siilinjärvi", "Suonenjoki"},
       {"Kuopio", "Idensalmi", "Varkaus", "Siilinjärvi", "Suonenjoki"}, 5},
      {"FI195", "Pohjanmaa", "Österbotten", "Ostrobothnia",
       {"Vaasa", "Pietarsaari", "Mustasaari", "Närpiö", "Kristiinankaupunki", "Uusikaarlepyy", "Kruunupyy"},
       {"Vasa", "Jakobstad", "Korsholm", "Närpes", "Kristinestad", "Nykarleby", "Kronoby"}, 5},
      {"FI1D7", "Lappi", "Lappland", "Lapland",
       {"Rovaniemi", "Tornio", "Kemi", "Sodankylä", "Kittilä", "Inari", "Kemijärvi"},
       {"Rovaniemi", "Torneå", "Kemi", "Sodankylä", "Kittilä", "Enare", "Kemijärvi"}, 5},
      {"FI196", "Satakunta", "Satakunta", "Satakunta",
       {"Pori", "Rauma", "Ulvila", "Kankaanpää", "Eura"}, {"Björneborg", "Raumo", "Ulvsby", "Kankaanpää", "Eura"}, 4},
      {"FI194", "Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia",
       {"Seinäjoki", "Lapua", "Kauhava", "Kurikka", "Alajärvi"}, {"Seinäjoki", "Lappo", "Kauhava", "Kurikka", "Alajärvi"}, 4},
      {"FI1D3", "Pohjois-Karjala", "Norra Karelen", "North Karelia",
       {"Joensuu", "Kitee", "Lieksa", "Nurmes", "Kontiolahti"}, {"Joensuu", "Kides", "Lieksa", "Nurmes", "Kontiolahti"}, 4},
      {"FI1C3", "Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme",
       {"Lahti", "Hollola", "Heinola", "Orimattila"}, {"Lahtis", "Hollola", "Heinola", "Orimattila"}, 4},
      {"FI1D1", "Etelä-Savo", "Södra Savolax", "South Savo",
       {"Mikkeli", "Savonlinna", "Pieksämäki"}, {"S:t Michel", "Nyslott", "Pieksämäki"}, 3},
      {"FI1C4", "Kymenlaakso", "Kymmenedalen", "Kymenlaakso",
       {"Kotka", "Kouvola", "Hamina"}, {"Kotka", "Kouvola", "Fredrikshamn"}, 3},
      {"FI1C2", "Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme",
       {"Hämeenlinna", "Riihimäki", "Forssa"}, {"Tavastehus", "Riihimäki", "Forssa"}, 3},
      {"FI1C5", "Etelä-Karjala", "Södra Karelen", "South Karelia",
       {"Lappeenranta", "Imatra"}, {"Villmanstrand", "Imatra"}, 2},
      {"FI1D5", "Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia",
       {"Kokkola", "Kannus"}, {"Karleby", "Kannus"}, 1.5},
      {"FI1D8", "Kainuu", "Kajanaland", "Kainuu", {"Kajaani", "Sotkamo", "Kuhmo"}, {"Kajana", "Sotkamo", "Kuhmo"}, 1.5},
      {"FI200", "Ahvenanmaa", "Åland", "Åland", {"Maarianhamina", "Jomala"}, {"Mariehamn", "Jomala"}, 1},
  };
  return kRegions;
}

const std::vector<Region>& swedish_regions() {
  static const std::vector<Region> kRegions = {
      {"SE110", "", "Stockholms län", "Stockholm County", {}, {"Stockholm", "Huddinge", "Nacka", "Södertälje", "Solna", "Täby"}, 8},
      {"SE232", "", "Västra Götalands län", "Västra Götaland", {}, {"Göteborg", "Borås", "Trollhättan", "Uddevalla", "Skövde"}, 6},
      {"SE224", "", "Skåne län", "Skåne", {}, {"Malmö", "Helsingborg", "Lund", "Kristianstad", "Landskrona"}, 5},
      {"SE332", "", "Norrbottens län", "Norrbotten", {}, {"Luleå", "Piteå", "Boden", "Kiruna", "Haparanda", "Arjeplog"}, 4},
      {"SE331", "", "Västerbottens län", "Västerbotten", {}, {"Umeå", "Skellefteå", "Lycksele", "Vilhelmina"}, 4},
      {"SE321", "", "Västernorrlands län", "Västernorrland", {}, {"Sundsvall", "Örnsköldsvik", "Härnösand", "Kramfors"}, 3},
      {"SE322", "", "Jämtlands län", "Jämtland", {}, {"Östersund", "Krokom", "Åre", "Strömsund"}, 2},
      {"SE121", "", "Uppsala län", "Uppsala County", {}, {"Uppsala", "Enköping", "Östhammar"}, 3},
      {"SE312", "", "Dalarnas län", "Dalarna", {}, {"Falun", "Borlänge", "Mora", "Ludvika"}, 2},
      {"SE213", "", "Kalmar län", "Kalmar County", {}, {"Kalmar", "Västervik", "Oskarshamn"}, 2},
  };
  return kRegions;
}

struct Programme {
  std::string fund;
  std::string period;
  std::map<std::string, std::string> name;  // by language
  std::map<std::string, std::string> authority;
  double cofinancing;
};

const std::vector<Weighted<Programme>>& programmes() {
  static const std::vector<Weighted<Programme>> kProgrammes = {
      {{"ERDF", "2014-2020",
        {{"fi", "Kestävää kasvua ja työtä 2014–2020 – Suomen rakennerahasto-ohjelma"},
         {"sv", "Hållbar tillväxt och jobb 2014–2020 – Finlands strukturfondsprogram"},
         {"en", "Sustainable growth and jobs 2014–2020 – Structural Funds Programme of Finland"}},
        {{"fi", "Työ- ja elinkeinoministeriö"}, {"sv", "Arbets- och näringsministeriet"}, {"en", "Ministry of Economic Affairs and Employment"}},
        0.5}, 26},
      {{"ESF", "2014-2020",
        {{"fi", "Kestävää kasvua ja työtä 2014–2020 – Suomen rakennerahasto-ohjelma"},
         {"sv", "Hållbar tillväxt och jobb 2014–2020 – Finlands strukturfondsprogram"},
         {"en", "Sustainable growth and jobs 2014–2020 – Structural Funds Programme of Finland"}},
        {{"fi", "Työ- ja elinkeinoministeriö"}, {"sv", "Arbets- och näringsministeriet"}, {"en", "Ministry of Economic Affairs and Employment"}},
        0.5}, 22},
      {{"ERDF", "2021-2027",
        {{"fi", "Uudistuva ja osaava Suomi 2021–2027"}, {"sv", "Ett förnyande och kompetent Finland 2021–2027"},
         {"en", "Innovation and Skills in Finland 2021–2027"}},
        {{"fi", "Työ- ja elinkeinoministeriö"}, {"sv", "Arbets- och näringsministeriet"}, {"en", "Ministry of Economic Affairs and Employment"}},
        0.4}, 12},
      {{"ESF+", "2021-2027",
        {{"fi", "Uudistuva ja osaava Suomi 2021–2027"}, {"sv", "Ett förnyande och kompetent Finland 2021–2027"},
         {"en", "Innovation and Skills in Finland 2021–2027"}},
        {{"fi", "Työ- ja elinkeinoministeriö"}, {"sv", "Arbets- och näringsministeriet"}, {"en", "Ministry of Economic Affairs and Employment"}},
        0.4}, 10},
      {{"JTF", "2021-2027",
        {{"fi", "Uudistuva ja osaava Suomi 2021–2027"}, {"sv", "Ett förnyande och kompetent Finland 2021–2027"},
         {"en", "Innovation and Skills in Finland 2021–2027"}},
        {{"fi", "Työ- ja elinkeinoministeriö"}, {"sv", "Arbets- och näringsministeriet"}, {"en", "Ministry of Economic Affairs and Employment"}},
        0.6}, 3},
      {{"ESF", "2007-2013",
        {{"fi", "Manner-Suomen ESR-ohjelma 2007–2013"}, {"sv", "ESF-programmet för Fastlandsfinland 2007–2013"},
         {"en", "ESF Operational Programme for Mainland Finland 2007–2013"}},
        {{"fi", "Työ- ja elinkeinoministeriö"}, {"sv", "Arbets- och näringsministeriet"}, {"en", "Ministry of Employment and the Economy"}},
        0.5}, 9},
      {{"ERDF", "2007-2013",
        {{"fi", "Länsi-Suomen EAKR-toimenpideohjelma 2007–2013"}, {"sv", "Västra Finlands ERUF-program 2007–2013"},
         {"en", "Western Finland ERDF Programme 2007–2013"}},
        {{"fi", "Etelä-Pohjanmaan liitto"}, {"sv", "Södra Österbottens förbund"}, {"en", "Regional Council of South Ostrobothnia"}},
        0.5}, 6},
      {{"AMIF", "2014-2020",
        {{"fi", "Turvapaikka-, maahanmuutto- ja kotouttamisrahasto (AMIF) 2014–2020"},
         {"sv", "Asyl-, migrations- och integrationsfonden (AMIF) 2014–2020"},
         {"en", "Asylum, Migration and Integration Fund (AMIF) 2014–2020"}},
        {{"fi", "Sisäministeriö"}, {"sv", "Inrikesministeriet"}, {"en", "Ministry of the Interior"}},
        0.75}, 3},
      {{"AMIF", "2021-2027",
        {{"fi", "Turvapaikka-, maahanmuutto- ja kotouttamisrahasto (AMIF) 2021–2027"},
         {"sv", "Asyl-, migrations- och integrationsfonden (AMIF) 2021–2027"},
         {"en", "Asylum, Migration and Integration Fund (AMIF) 2021–2027"}},
        {{"fi", "Sisäministeriö"}, {"sv", "Inrikesministeriet"}, {"en", "Ministry of the Interior"}},
        0.75}, 2},
      {{"Interreg Europe", "2021-2027",
        {{"fi", "Interreg Europe 2021–2027"}, {"sv", "Interreg Europe 2021–2027"}, {"en", "Interreg Europe 2021–2027"}},
        {{"fi", "Hauts-de-France"}, {"sv", "Hauts-de-France"}, {"en", "Région Hauts-de-France"}},
        0.8}, 2},
      {{"Interreg", "2014-2020",
        {{"fi", "Interreg Pohjoinen 2014–2020"}, {"sv", "Interreg Nord 2014–2020"}, {"en", "Interreg North 2014–2020"}},
        {{"fi", "Lapin liitto"}, {"sv", "Region Norrbotten"}, {"en", "Regional Council of Lapland"}},
        0.65}, 2},
      {{"Interreg", "2021-2027",
        {{"fi", "Interreg Central Baltic 2021–2027"}, {"sv", "Interreg Central Baltic 2021–2027"},
         {"en", "Interreg Central Baltic 2021–2027"}},
        {{"fi", "Varsinais-Suomen liitto"}, {"sv", "Egentliga Finlands förbund"}, {"en", "Regional Council of Southwest Finland"}},
        0.8}, 2},
      {{"TSI", "2021-2027",
        {{"fi", "Tekninen tukiväline (TSI)"}, {"sv", "Instrumentet för tekniskt stöd (TSI)"},
         {"en", "Technical Support Instrument (TSI)"}},
        {{"fi", "Euroopan komissio, DG REFORM"}, {"sv", "Europeiska kommissionen, GD Reform"}, {"en", "European Commission, DG REFORM"}},
        1.0}, 0.5},
  };
  return kProgrammes;
}

const std::vector<std::string>& themes(const std::string& lang) {
  static const std::map<std::string, std::vector<std::string>> kThemes = {
      {"fi", {"Työllisyys", "Kotoutuminen", "Innovaatiot", "Pk-yritysten kilpailukyky", "Vähähiilisyys", "Koulutus ja osaaminen",
              "Sosiaalinen osallisuus", "Digitalisaatio", "Kiertotalous", "Liikenne", "Nuoret", "Tutkimus ja kehitys"}},
      {"sv", {"Sysselsättning", "Integration", "Innovation", "Små och medelstora företags konkurrenskraft", "Koldioxidsnål ekonomi",
              "Utbildning och kompetens", "Social delaktighet", "Digitalisering", "Cirkulär ekonomi", "Transport", "Unga",
              "Forskning och utveckling"}},
      {"en", {"Employment", "Integration of migrants", "Innovation", "SME competitiveness", "Low-carbon economy",
              "Education and skills", "Social inclusion", "Digitalisation", "Circular economy", "Transport", "Youth",
              "Research and development"}},
  };
  return kThemes.at(lang);
}

struct Implementer {
  std::string name;
  std::string type;
};

std::string capitalise(std::string w) {
  if (w.empty()) return w;
  if (w[0] >= 'a' && w[0] <= 'z') {
    w[0] = static_cast<char>(w[0] - 'a' + 'A');
  } else if (w.size() > 1 && static_cast<unsigned char>(w[0]) == 0xC3) {
    auto b = static_cast<unsigned char>(w[1]);
    if (b >= 0xA0 && b <= 0xBE && b != 0xB7) w[1] = static_cast<char>(b - 0x20);
  }
  return w;
}

class Generator {
 public:
  Generator(const Options& o, std::map<std::string, Vocabulary> vocab) : rng_(o.seed), seed_(o.seed), vocab_(std::move(vocab)) {}

  Project next(uint64_t index) {
    Project p;
    char id[64];
    std::snprintf(id, sizeof id, "gen-%llu-%08llu", static_cast<unsigned long long>(seed_),
                  static_cast<unsigned long long>(index));
    p.id = id;
    double l = rng_.uniform();
    p.lang = l < 0.60 ? "fi" : l < 0.85 ? "sv" : "en";
    const Programme& prog = pick(rng_, programmes());
    p.fund = prog.fund;
    p.programme = prog.name.at(p.lang);
    p.programming_period = prog.period;
    p.managing_authority = prog.authority.at(p.lang);

    // Region: sv records are partly from Sweden, with Swedish municipal names either way.
    bool sweden = p.lang == "sv" && rng_.chance(0.3);
    const auto& regions = sweden ? swedish_regions() : finnish_regions();
    const Region* region = nullptr;
    {
      double total = 0;
      for (const auto& r : regions) total += r.weight;
      double u = rng_.uniform() * total;
      for (const auto& r : regions) {
        region = &r;
        if ((u -= r.weight) < 0) break;
      }
    }
    p.country = sweden ? "SE" : "FI";
    p.region_code = region->code;
    p.region_name = p.lang == "fi" ? region->name_fi : p.lang == "sv" ? region->name_sv : region->name_en;
    const auto& towns = (p.lang == "sv" || sweden) ? region->places_sv : region->places_fi;
    int n_places = rng_.chance(0.6) ? 1 : rng_.chance(0.6) ? 2 : 3;
    for (int i = 0; i < n_places; ++i) {
      // Larger towns first in the list, and more likely.
      size_t k = std::min(towns.size() - 1, static_cast<size_t>(std::floor(std::pow(rng_.uniform(), 2.0) * towns.size())));
      if (std::find(p.places.begin(), p.places.end(), towns[k]) == p.places.end()) p.places.push_back(towns[k]);
    }

    Implementer impl = implementer(p.lang, p.places[0]);
    p.implementer = impl.name;
    p.implementer_type = impl.type;

    dates(prog.period, &p.start_date, &p.end_date);
    // Budgets: log-normal around 250 000 EUR, from 5 000 EUR to 30 MEUR, in cents.
    double total = std::clamp(250000.0 * std::exp(1.1 * rng_.normal()), 5000.0, 3.0e7);
    total = std::round(total * 100) / 100;
    double rate = prog.cofinancing;
    if (rate < 1.0 && rng_.chance(0.3)) rate = std::min(0.85, rate + 0.05 * rng_.between(1, 4));
    p.total_budget_eur = total;
    p.eu_contribution_eur = std::round(total * rate * 100) / 100;
    p.cofinancing_rate = rate;

    const auto& th = themes(p.lang);
    size_t t0 = rng_.below(th.size());
    p.themes.push_back(th[t0]);
    if (rng_.chance(0.4)) {
      size_t t1 = rng_.below(th.size());
      if (t1 != t0) p.themes.push_back(th[t1]);
    }

    p.title = title(p.lang);
    p.description = description(p.lang, p);
    // Translations: Finnish authorities often publish in Swedish and English too.
    if (p.lang != "en" && rng_.chance(0.25)) p.translations["en"] = {title("en"), short_description("en")};
    if (p.lang == "fi" && rng_.chance(0.15)) p.translations["sv"] = {title("sv"), short_description("sv")};
    if (p.lang == "sv" && rng_.chance(0.5)) p.translations["fi"] = {title("fi"), short_description("fi")};
    p.source_url = "https://example.org/projects/" + p.id;
    p.source_name = "haku-gen-corpus";
    return p;
  }

 private:
  const std::string& word(const std::string& lang) {
    const Vocabulary& v = vocab_.at(lang);
    return v.words[v.text.draw(rng_)];
  }
  const std::string& content_word(const std::string& lang) {
    const Vocabulary& v = vocab_.at(lang);
    return v.words[v.content_start + v.content.draw(rng_)];
  }

  std::string title(const std::string& lang) {
    int n = rng_.between(2, 7);
    std::string t = capitalise(content_word(lang));
    for (int i = 1; i < n; ++i) {
      t += ' ';
      t += (i % 3 == 2 && rng_.chance(0.5)) ? word(lang) : content_word(lang);
    }
    if (rng_.chance(0.15)) t += " " + std::to_string(rng_.between(2, 4));
    if (rng_.chance(0.2)) {
      std::string acronym;
      for (int i = 0, k = rng_.between(3, 6); i < k; ++i) acronym += static_cast<char>('A' + rng_.below(26));
      t = acronym + " – " + t;
    }
    return t;
  }

  void sentence(const std::string& lang, std::string* out, const std::vector<std::string>& places) {
    int n = rng_.between(6, 20);
    if (!out->empty()) *out += ' ';
    *out += capitalise(word(lang));
    for (int i = 1; i < n; ++i) {
      *out += ' ';
      if (!places.empty() && rng_.chance(0.02))
        *out += pick(rng_, places);
      else
        *out += word(lang);
      if (i + 2 < n && rng_.chance(0.06)) *out += ',';
    }
    *out += '.';
  }

  std::string short_description(const std::string& lang) {
    std::string d;
    for (int i = 0, k = rng_.between(1, 3); i < k; ++i) sentence(lang, &d, {});
    return d;
  }

  std::string description(const std::string& lang, const Project& p) {
    std::string d;
    int n = rng_.between(3, 14);
    for (int i = 0; i < n; ++i) sentence(lang, &d, p.places);
    // A closing line with the facts, as the sources write it.
    char money[64];
    std::snprintf(money, sizeof money, "%.0f", *p.eu_contribution_eur);
    std::string amount = group_thousands(money);
    if (lang == "fi")
      d += " Toteuttaja: " + p.implementer + ". EU-tuki: " + amount + " euroa.";
    else if (lang == "sv")
      d += " Projektgenomförare: " + p.implementer + ". EU-stöd: " + amount + " euro.";
    else
      d += " Implementer: " + p.implementer + ". EU contribution: EUR " + amount + ".";
    return d;
  }

  static std::string group_thousands(const std::string& digits) {
    std::string out;
    size_t n = digits.size();
    for (size_t i = 0; i < n; ++i) {
      if (i > 0 && (n - i) % 3 == 0) out += ' ';
      out += digits[i];
    }
    return out;
  }

  Implementer implementer(const std::string& lang, const std::string& place) {
    static const std::vector<Weighted<Implementer>> kFi = {
        {{"Oulun yliopisto", "university"}, 3},
        {{"Jyväskylän yliopisto", "university"}, 3},
        {{"Tampereen korkeakoulusäätiö sr", "university"}, 3},
        {{"Lapin ammattikorkeakoulu Oy", "university of applied sciences"}, 3},
        {{"Savonia-ammattikorkeakoulu Oy", "university of applied sciences"}, 2},
        {{"Turun ammattikorkeakoulu Oy", "university of applied sciences"}, 3},
        {{"Laurea-ammattikorkeakoulu Oy", "university of applied sciences"}, 2},
        {{"Helsingin kaupunki", "municipality"}, 4},
        {{"Espoon kaupunki", "municipality"}, 2},
        {{"Uudenmaan ELY-keskus", "public authority"}, 2},
        {{"Pirkanmaan ELY-keskus", "public authority"}, 2},
        {{"Business Finland", "public authority"}, 3},
        {{"Keski-Suomen liitto", "regional council"}, 1},
        {{"Suomen Punainen Risti", "association"}, 1},
        {{"Helsingin Diakonissalaitos sr", "foundation"}, 1},
        {{"Metsäkeskus", "public authority"}, 1},
    };
    static const std::vector<Weighted<Implementer>> kSv = {
        {{"Åbo Akademi", "university"}, 3},
        {{"Yrkeshögskolan Novia", "university of applied sciences"}, 3},
        {{"Yrkeshögskolan Arcada", "university of applied sciences"}, 2},
        {{"Svenska handelshögskolan", "university"}, 1},
        {{"Helsingfors stad", "municipality"}, 3},
        {{"Vasa stad", "municipality"}, 2},
        {{"Folkhälsan rf", "association"}, 2},
        {{"Arbetets vänner rf", "association"}, 1},
        {{"Luleå tekniska universitet", "university"}, 2},
        {{"Umeå universitet", "university"}, 2},
        {{"Region Norrbotten", "regional council"}, 1},
        {{"Tillväxtverket", "public authority"}, 1},
    };
    static const std::vector<Weighted<Implementer>> kEn = {
        {{"University of Helsinki", "university"}, 3},
        {{"Aalto University", "university"}, 3},
        {{"University of Eastern Finland", "university"}, 2},
        {{"VTT Technical Research Centre of Finland Ltd", "research organisation"}, 2},
        {{"Council of Europe", "international organisation"}, 1},
        {{"Finnish Institute for Health and Welfare", "public authority"}, 2},
        {{"City of Helsinki", "municipality"}, 2},
    };
    double u = rng_.uniform();
    if (u < 0.35) {  // a company or association named after a word and the place
      std::string base = capitalise(content_word(lang));
      if (lang == "fi") return rng_.chance(0.7) ? Implementer{base + " Oy", "company"} : Implementer{place + " " + base + " ry", "association"};
      if (lang == "sv") return rng_.chance(0.7) ? Implementer{base + " Ab", "company"} : Implementer{base + " i " + place + " rf", "association"};
      return Implementer{base + " Ltd", "company"};
    }
    return pick(rng_, lang == "fi" ? kFi : lang == "sv" ? kSv : kEn);
  }

  void dates(const std::string& period, std::string* start, std::string* end) {
    int first = std::stoi(period.substr(0, 4));
    int last = std::stoi(period.substr(5, 4));
    // Starts spread over the period (and the year after it, as registers show), durations 6..60 months.
    int last_start = std::min(last + 1, kLatestStartYear);
    int start_month = rng_.between(0, (last_start - first + 1) * 12 - 1);
    int y = first + start_month / 12, m = start_month % 12 + 1;
    int d = rng_.chance(0.7) ? 1 : rng_.between(1, 28);
    int months = std::clamp(static_cast<int>(std::round(24 + 10 * rng_.normal())), 6, 60);
    int end_index = y * 12 + (m - 1) + months - 1;
    int ey = end_index / 12, em = end_index % 12 + 1;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int ed = kDays[em - 1] + (em == 2 && ((ey % 4 == 0 && ey % 100 != 0) || ey % 400 == 0));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    *start = buf;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", ey, em, ed);
    *end = buf;
  }

  Rng rng_;
  uint64_t seed_;
  std::map<std::string, Vocabulary> vocab_;
};

void usage(std::ostream& out) {
  out << "usage: haku-gen-corpus --count N [--seed S] [--out FILE] [--sample DIR]\n"
         "                       [--dict-fi FILE]... [--dict-sv FILE] [--dict-en FILE]\n"
         "Writes N synthetic fi/sv/en project records as JSON Lines (stdout unless --out), deterministic for\n"
         "a seed. Vocabulary: the sample corpus (DIR/*.jsonl) and the word lists.\n";
}

bool parse_uint(const char* s, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno || !end || *end || s[0] == '-' || s[0] == '\0') return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool fi_dicts_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "haku-gen-corpus: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--count") {
      if (!parse_uint(value(), &o.count)) return usage(std::cerr), 2;
    } else if (a == "--seed") {
      if (!parse_uint(value(), &o.seed)) return usage(std::cerr), 2;
    } else if (a == "--out") {
      o.out = value();
    } else if (a == "--sample") {
      o.sample_dir = value();
    } else if (a == "--dict-fi") {
      if (!fi_dicts_given) o.dict_fi.clear();
      fi_dicts_given = true;
      o.dict_fi.push_back(value());
    } else if (a == "--dict-sv") {
      o.dict_sv = value();
    } else if (a == "--dict-en") {
      o.dict_en = value();
    } else if (a == "--help" || a == "-h") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "haku-gen-corpus: unknown argument " << a << "\n";
      usage(std::cerr);
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();

  std::map<std::string, VocabularyBuilder> builders;
  for (const char* l : {"fi", "sv", "en"}) builders.emplace(l, VocabularyBuilder(l));
  // The sample corpus, read with the corpus reader so only valid records feed the vocabulary.
  std::error_code ec;
  if (!o.sample_dir.empty() && fs::is_directory(o.sample_dir, ec)) {
    haku::CorpusReader reader;
    reader.read(
        o.sample_dir,
        [&](Project&& p, const haku::SourceLocation&) {
          if (auto b = builders.find(p.lang); b != builders.end()) {
            b->second.add_sample_text(p.title);
            b->second.add_sample_text(p.description);
          }
          for (const auto& [lang, t] : p.translations) {
            if (auto b = builders.find(lang); b != builders.end()) {
              b->second.add_sample_text(t.title);
              b->second.add_sample_text(t.description);
            }
          }
        },
        [](const haku::Diagnostic&) {});
  } else {
    std::cerr << "haku-gen-corpus: no sample corpus at " << o.sample_dir << "; using the word lists only\n";
  }
  auto load = [&](const std::string& lang, const std::string& path) {
    if (builders.at(lang).add_word_list(path) == 0)
      std::cerr << "haku-gen-corpus: no words from " << path << " (" << lang << ")\n";
  };
  for (const auto& f : o.dict_fi) load("fi", f);
  load("sv", o.dict_sv);
  load("en", o.dict_en);
  std::map<std::string, Vocabulary> vocab;
  for (auto& [lang, b] : builders) {
    vocab.emplace(lang, b.build());
    std::cerr << "haku-gen-corpus: " << lang << " vocabulary " << vocab.at(lang).words.size() << " words ("
              << b.sample_words() << " from the samples)\n";
  }

  std::ofstream file;
  std::ostream* out = &std::cout;
  std::vector<char> buffer(1 << 20);
  if (!o.out.empty()) {
    file.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    file.open(o.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "haku-gen-corpus: cannot write " << o.out << "\n";
      return 1;
    }
    out = &file;
  } else {
    std::ios::sync_with_stdio(false);
  }
  Generator gen(o, std::move(vocab));
  uint64_t bytes = 0;
  std::string line;
  for (uint64_t i = 0; i < o.count; ++i) {
    line = haku::project_to_json(gen.next(i));
    line += '\n';
    bytes += line.size();
    out->write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  out->flush();
  if (!*out) {
    std::cerr << "haku-gen-corpus: write failed\n";
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "haku-gen-corpus: wrote " << o.count << " records (" << bytes / (1024 * 1024) << " MiB) in "
            << secs << " s\n";
  return 0;
}
