#include "meme/sarcasm.hpp"

#include <algorithm>
#include <cmath>

#include "core/text.hpp"
#include "core/word_match.hpp"
#include "templates/templates.hpp"

namespace memeops::meme {
namespace {

struct Lexicon {
    const char* feature;
    std::vector<std::string> words;  // ASCII words match whole words in any case; others anywhere
};

// Words that praise, in both languages.
const Lexicon k_praise{
    "praise",
    {"great", "awesome", "amazing", "perfect", "wonderful", "fantastic", "brilliant", "excellent", "lovely",
     "love", "loving", "nice", "cool", "super", "splendid", "terrific", "fabulous", "outstanding", "incredible",
     "best", "glad", "happy", "thrilled", "yay", "thanks", "thank you", "good", "sweet", "genius", "joy",
     "favourite", "favorite", "stable", "reliability", "efficient", "helpful", "inspiring", "groundbreaking",
     "top quality", "success", "respect", "bold", "brave", "thrilling", "thorough", "impressive", "admire",
     "enjoy", "iconic", "legendary", "visionary", "elegant", "beautiful", "gorgeous", "spoiled", "persistent",
     "reassuring", "classic", "masterpiece", "peak", "好评", "勇气可嘉", "周到", "真快", "佩服", "尊重", "勇敢",
     "有远见", "优雅", "欣慰", "长见识", "艺术", "值了", "真稳", "满分", "巅峰", "享受", "太好了", "太棒了", "真棒", "好棒", "棒棒", "厉害", "优秀", "完美", "感谢",
     "谢谢", "真好", "开心", "爱了", "喜欢", "惊喜", "可喜可贺", "天才", "好极了", "不错", "漂亮", "高效",
     "稳定", "可靠", "贴心", "感动", "妙", "顺利", "好主意", "好消息", "满意", "好用", "干得好"}};

// Chat slang that praises or cheers.
const Lexicon k_praise_slang{
    "praise_slang",
    {"绝绝子", "yyds", "泰裤辣", "牛批", "666", "起飞", "好耶", "稳了", "绝了", "真香", "狠狠地爱了", "哇塞",
     "awsl"}};

const Lexicon k_praise_emoji{"praise_emoji",
                             {"👍", "🎉", "😊", "😍", "🥳", "💯", "👑", "🏆", "🙏", "👏", "😎", "💃", "✨", "❤",
                              "🚀"}};

const Lexicon k_ironic_emoji{"ironic_emoji", {"🙃", "🤡", "🙄", "😑", "💀", "😅", "🫠"}};

// Situations nobody is glad about: training and CI trouble.
const Lexicon k_trouble{
    "trouble",
    {"nan", "oom", "out of memory", "flaky", "timeout", "timed out", "crash", "crashed", "crashes", "fail",
     "fails", "failed", "failing", "failure", "broken", "broke", "break", "breaks", "red", "segfault",
     "exploded", "explosion", "diverged", "hang", "hangs", "error", "errors", "corrupted", "down",
     "preempted", "deleted", "regressed", "overfitting", "conflict", "on fire", "500", "500s", "dropped",
     "spike", "oscillating", "lost", "ran out", "shuffled", "forgot", "outage", "expired", "over budget",
     "deleted", "died", "dies", "twice", "restarted", "rollback", "rolled back", "wrong", "挂", "红", "超时", "崩", "炸",
     "报错", "失败", "爆", "显存", "掉线", "重训", "坏", "删", "冲突", "抢占", "发散", "过拟合", "下降", "掉",
     "泄漏", "覆盖了", "丢", "错误", "满了", "飙升", "震荡", "慢", "过期", "故障", "着火", "烧了", "回滚", "没人",
     "失败", "emo"}};

// Phrases that announce sarcasm.
const Lexicon k_marker{
    "marker",
    {"yeah right", "oh great", "oh good", "oh joy", "oh wonderful", "oh sure", "oh look", "oh wow",
     "oh fantastic", "oh perfect", "oh brilliant", "oh splendid", "oh awesome", "just what i needed",
     "exactly what", "love it when", "love how", "love that for us", "gotta love", "what a surprise",
     "color me", "nothing says", "nothing like", "my favourite", "my favorite", "can't wait", "totally didn't",
     "such a treat", "living the dream", "made my day", "ship it", "nailed it", "clearly", "obviously",
     "makes total sense", "wow", "best day ever", "to me", "missed you", "what a", "how wonderful",
     "呵呵", "哦", "真是", "可太", "真行", "好家伙", "不愧是", "啊对对对", "谢谢你啊", "谢谢啊", "意料之中",
     "果然", "习惯了", "哦豁", "呢", "笑死", "开眼了", "可以的", "秀", "好一个", "谢天谢地", "不用睡觉",
     "不用下班"}};

const Lexicon k_intensifier{
    "intensifier",
    {"so", "really", "truly", "totally", "absolutely", "super", "such", "very", "single", "太", "超", "简直",
     "这么", "越来越", "可太"}};

// The trouble came back.
const Lexicon k_again{
    "again",
    {"again", "another", "yet another", "every time", "third time", "fifth time", "back", "once more",
     "every day", "又", "双叒叕", "天天", "每天", "连续", "准时", "每次"}};

// The trouble is over: signs of a sincere report.
const Lexicon k_resolved{
    "resolved",
    {"fixed", "fix", "fixes", "resolved", "solved", "finally", "passed", "pass", "passes", "green", "restored",
     "restoring", "back now", "works", "stable now", "is done", "quarantined", "stopped", "gone", "handled",
     "improved", "better", "faster", "修好", "解决", "恢复", "通过", "终于", "绿", "有用", "提高", "提升",
     "降低", "快了", "完成", "收敛"}};

// Someone reporting what they do about it: also sincere.
const Lexicon k_action{
    "action",
    {"i'll", "i'm on it", "opened a pr", "investigating", "looking into", "checking", "switching",
     "switched", "reverting", "restarting", "restarted", "retry", "retrying", "re-running", "lowering",
     "lower", "adding", "added", "pinned", "pinning", "rotated", "removed", "filed", "raise", "let's",
     "please", "can someone", "正在", "我来", "改成", "改用", "调低", "调大", "加了", "提了", "固定", "重启",
     "重跑", "排查", "检查", "谁能", "请", "试试", "一下", "已经"}};

const std::vector<const Lexicon*> k_lexicons{&k_praise, &k_praise_slang, &k_praise_emoji, &k_ironic_emoji,
                                            &k_trouble, &k_marker,       &k_intensifier,  &k_again,
                                            &k_resolved, &k_action};

// Features that combine others.
constexpr const char* k_praise_with_trouble = "praise_with_trouble";
constexpr const char* k_marker_with_trouble = "marker_with_trouble";
constexpr const char* k_trouble_again = "trouble_again";
constexpr const char* k_praise_opens = "praise_opens_then_trouble";
constexpr const char* k_praise_closes = "trouble_then_praise_closes";
constexpr const char* k_scare_quotes = "scare_quotes";
constexpr const char* k_deadpan = "deadpan_lowercase";
constexpr const char* k_question = "question";
constexpr size_t k_deadpan_letters = 12;   // fewer letters than this is too short to call deadpan
constexpr size_t k_ngram_reasons = 6;       // n-grams shown one by one; the rest are summed
constexpr double k_ngram_reason_floor = 0.05;  // smaller contributions go to the sum
constexpr size_t k_max_cjk_gram = 3;

std::vector<std::string> matches(std::string_view lowered, const Lexicon& lexicon) {
    std::vector<std::string> found;
    for (const auto& word : lexicon.words)
        if (core::contains_word(lowered, word) && std::find(found.begin(), found.end(), word) == found.end())
            found.push_back(word);
    return found;
}

SarcasmFeature lexicon_feature(std::string_view lowered, const Lexicon& lexicon) {
    auto found = matches(lowered, lexicon);
    return {lexicon.feature, found.empty() ? 0.0 : 1.0, std::move(found)};
}

SarcasmFeature both(const char* name, const SarcasmFeature& a, const SarcasmFeature& b) {
    SarcasmFeature f{name, a.value > 0 && b.value > 0 ? 1.0 : 0.0, {}};
    if (f.value > 0) {
        f.matched = a.matched;
        f.matched.insert(f.matched.end(), b.matched.begin(), b.matched.end());
    }
    return f;
}

// The text up to its first clause break (comma, full stop, colon, either width).
std::string_view first_clause(std::string_view lowered) {
    size_t end = lowered.size();
    for (std::string_view mark : {",", ".", ":", "!", "，", "。", "：", "！", "、"}) {
        size_t pos = lowered.find(mark);
        if (pos != std::string_view::npos && pos > 0) end = std::min(end, pos);
    }
    return lowered.substr(0, end);
}

// Praise (words, slang or emoji) in the first clause and trouble after it: "Oh great, NaN again".
SarcasmFeature praise_opens_then_trouble(std::string_view lowered) {
    std::string_view head = first_clause(lowered);
    std::string_view rest = lowered.substr(head.size());
    std::vector<std::string> praise;
    for (const Lexicon* lexicon : {&k_praise, &k_praise_slang, &k_praise_emoji})
        for (auto& word : matches(head, *lexicon)) praise.push_back(word);
    auto trouble = matches(rest, k_trouble);
    if (praise.empty() || trouble.empty()) return {k_praise_opens, 0.0, {}};
    praise.insert(praise.end(), trouble.begin(), trouble.end());
    return {k_praise_opens, 1.0, std::move(praise)};
}

// The text after its last clause break, clause marks at the very end aside: "…, great reflexes".
size_t last_clause_start(std::string_view lowered) {
    static const std::vector<std::string_view> marks{",", ".", ":", "!", "，", "。", "：", "！", "、", ";", "；"};
    size_t end = lowered.size();
    for (size_t before = end + 1; before != end;) {
        before = end;
        for (auto mark : marks)
            if (lowered.substr(0, end).ends_with(mark)) end -= mark.size();
        while (end > 0 && lowered[end - 1] == ' ') --end;
    }
    size_t start = 0;
    for (auto mark : marks) {
        size_t pos = lowered.substr(0, end).rfind(mark);
        if (pos != std::string_view::npos) start = std::max(start, pos + mark.size());
    }
    return start;
}

// Trouble first and praise to close it: "monitoring caught the outage 6 hours later, great
// reflexes", "榜单掉了14名，可喜可贺".
SarcasmFeature trouble_then_praise_closes(std::string_view lowered) {
    size_t start = last_clause_start(lowered);
    if (start == 0) return {k_praise_closes, 0.0, {}};
    std::vector<std::string> found;
    for (const Lexicon* lexicon : {&k_praise, &k_praise_slang})
        for (auto& word : matches(lowered.substr(start), *lexicon)) found.push_back(word);
    auto trouble = matches(lowered.substr(0, start), k_trouble);
    if (found.empty() || trouble.empty()) return {k_praise_closes, 0.0, {}};
    found.insert(found.end(), trouble.begin(), trouble.end());
    return {k_praise_closes, 1.0, std::move(found)};
}

// A word set in quotes to mean its opposite: 'after I "fixed" it'.
SarcasmFeature scare_quotes(std::string_view text) {
    for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"\"", "\""}, {"“", "”"}}) {
        size_t start = text.find(open);
        if (start == std::string_view::npos) continue;
        size_t end = text.find(close, start + open.size());
        if (end != std::string_view::npos && end > start + open.size())
            return {k_scare_quotes, 1.0, {std::string(text.substr(start, end + close.size() - start))}};
    }
    return {k_scare_quotes, 0.0, {}};
}

// A chat line typed all in lower case, with enough letters to count: "love how the gpu just sits
// there while we wait".
SarcasmFeature deadpan_lowercase(std::string_view text) {
    size_t letters = 0;
    for (char c : text) {
        if (c >= 'A' && c <= 'Z') return {k_deadpan, 0.0, {}};
        letters += c >= 'a' && c <= 'z';
    }
    return {k_deadpan, letters >= k_deadpan_letters ? 1.0 : 0.0, {}};
}

// A question, rhetorical or not: "who needs sleep anyway?", "这也能叫稳定？"
SarcasmFeature question(std::string_view text) {
    for (std::string_view mark : {"?", "？"})
        if (text.find(mark) != std::string_view::npos) return {k_question, 1.0, {std::string(mark)}};
    return {k_question, 0.0, {}};
}

SarcasmModel parse_model(const nlohmann::json& doc) {
    SarcasmModel model;
    model.bias = doc.at("bias").get<double>();
    model.threshold = doc.at("threshold").get<double>();
    for (const auto& [name, weight] : doc.at("weights").items()) model.weights[name] = weight.get<double>();
    if (doc.contains("ngrams"))
        for (const auto& [name, weight] : doc.at("ngrams").items()) model.ngrams[name] = weight.get<double>();
    return model;
}

bool is_word_byte(char32_t cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '\'' || cp == '_';
}

// Collects the n-grams of one text while its code points are read in order.
class NgramCollector {
public:
    void word_byte(char32_t cp) {
        end_cjk();
        m_word += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
    }
    void cjk(char32_t cp) {
        end_word(true);
        m_cjk.emplace_back();
        core::append_utf8(m_cjk.back(), cp);
    }
    void emoji(char32_t cp) {
        separator(false);
        std::string e;
        core::append_utf8(e, cp);
        add("emoji:" + e);
    }
    // A space keeps two words a pair; punctuation and other text break it.
    void separator(bool space) {
        end_word(space);
        end_cjk();
        if (!space) m_previous.clear();
    }
    std::vector<std::string> finish() {
        separator(false);
        return std::move(m_out);
    }

private:
    void add(std::string name) {
        if (std::find(m_out.begin(), m_out.end(), name) == m_out.end()) m_out.push_back(std::move(name));
    }
    void end_word(bool keep_pair) {
        if (m_word.empty()) {
            if (!keep_pair) m_previous.clear();
            return;
        }
        if (std::all_of(m_word.begin(), m_word.end(), [](char c) { return c >= '0' && c <= '9'; })) m_word = "#";
        add("word:" + m_word);
        if (!m_previous.empty()) add("words:" + m_previous + " " + m_word);
        m_previous = keep_pair ? m_word : "";
        m_word.clear();
    }
    void end_cjk() {
        for (size_t n = 1; n <= k_max_cjk_gram; ++n)
            for (size_t i = 0; i + n <= m_cjk.size(); ++i) {
                std::string gram;
                for (size_t k = i; k < i + n; ++k) gram += m_cjk[k];
                add("chars:" + gram);
            }
        m_cjk.clear();
    }
    std::string m_word, m_previous;
    std::vector<std::string> m_cjk;  // the current run of Chinese characters, one per element
    std::vector<std::string> m_out;
};

// Adds to `result` the n-grams that weigh most one by one, and the rest summed as one reason.
void add_ngram_reasons(std::vector<SarcasmReason> ngram_reasons, SarcasmScore& result) {
    std::stable_sort(ngram_reasons.begin(), ngram_reasons.end(), [](const auto& a, const auto& b) {
        return std::fabs(a.contribution) > std::fabs(b.contribution);
    });
    SarcasmReason rest{"", 0.0, {}};
    size_t rest_count = 0;
    for (size_t i = 0; i < ngram_reasons.size(); ++i) {
        if (i < k_ngram_reasons && std::fabs(ngram_reasons[i].contribution) >= k_ngram_reason_floor) {
            result.reasons.push_back(std::move(ngram_reasons[i]));
            continue;
        }
        rest.contribution += ngram_reasons[i].contribution;
        ++rest_count;
    }
    if (rest_count == 0) return;
    rest.feature = "other n-grams (" + std::to_string(rest_count) + ")";
    result.reasons.push_back(std::move(rest));
}

}  // namespace

const std::vector<std::string>& sarcasm_feature_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> list;
        for (const auto& f : sarcasm_features("")) list.push_back(f.name);
        return list;
    }();
    return names;
}

std::vector<SarcasmFeature> sarcasm_features(std::string_view text) {
    std::string lowered = core::ascii_lower(text);
    std::vector<SarcasmFeature> features;
    for (const Lexicon* lexicon : k_lexicons) features.push_back(lexicon_feature(lowered, *lexicon));
    auto get = [&](std::string_view name) -> const SarcasmFeature& {
        return *std::find_if(features.begin(), features.end(), [&](const auto& f) { return f.name == name; });
    };
    SarcasmFeature any_praise{"any_praise", 0.0, {}};
    for (const char* name : {"praise", "praise_slang", "praise_emoji"}) {
        const auto& f = get(name);
        if (f.value > 0) any_praise.value = 1.0;
        any_praise.matched.insert(any_praise.matched.end(), f.matched.begin(), f.matched.end());
    }
    const SarcasmFeature& trouble = get("trouble");
    SarcasmFeature praise_trouble = both(k_praise_with_trouble, any_praise, trouble);
    SarcasmFeature marker_trouble = both(k_marker_with_trouble, get("marker"), trouble);
    SarcasmFeature trouble_again = both(k_trouble_again, trouble, get("again"));
    features.push_back(std::move(praise_trouble));
    features.push_back(std::move(marker_trouble));
    features.push_back(std::move(trouble_again));
    features.push_back(praise_opens_then_trouble(lowered));
    features.push_back(trouble_then_praise_closes(lowered));
    features.push_back(scare_quotes(text));
    features.push_back(deadpan_lowercase(text));
    features.push_back(question(text));
    return features;
}

std::vector<std::string> sarcasm_ngrams(std::string_view text) {
    NgramCollector collector;
    for (size_t pos = 0; pos < text.size();) {
        char32_t cp = core::next_code_point(text, pos);
        if (is_word_byte(cp)) collector.word_byte(cp);
        else if (core::is_cjk(cp)) collector.cjk(cp);
        else if (core::is_emoji(cp)) collector.emoji(cp);
        else collector.separator(cp == ' ' || cp == '\t');
    }
    return collector.finish();
}

const SarcasmModel& builtin_sarcasm_model() {
    static const SarcasmModel model = parse_model(templates::embedded_json("sarcasm_model.json"));
    return model;
}

double sarcasm_logit(std::string_view text, const SarcasmModel& model) {
    SarcasmScore score = score_sarcasm(text, model);
    double logit = model.bias;
    for (const auto& r : score.reasons) logit += r.contribution;
    return logit;
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

SarcasmScore score_sarcasm(std::string_view text, const SarcasmModel& model) {
    double logit = model.bias;
    SarcasmScore result;
    for (auto& feature : sarcasm_features(text)) {
        if (feature.value == 0) continue;
        auto weight = model.weights.find(feature.name);
        double contribution = (weight == model.weights.end() ? 0.0 : weight->second) * feature.value;
        logit += contribution;
        result.reasons.push_back({feature.name, contribution, std::move(feature.matched)});
    }
    std::vector<SarcasmReason> ngram_reasons;
    for (auto& name : sarcasm_ngrams(text)) {
        auto weight = model.ngrams.find(name);
        if (weight == model.ngrams.end() || weight->second == 0) continue;
        logit += weight->second;
        std::string shown = name.substr(name.find(':') + 1);
        ngram_reasons.push_back({std::move(name), weight->second, {std::move(shown)}});
    }
    add_ngram_reasons(std::move(ngram_reasons), result);
    std::stable_sort(result.reasons.begin(), result.reasons.end(),
                     [](const auto& a, const auto& b) { return a.contribution > b.contribution; });
    result.score = logistic(logit);
    result.sarcastic = result.score >= model.threshold;
    return result;
}

}  // namespace memeops::meme
