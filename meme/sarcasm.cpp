#include "meme/sarcasm.hpp"

#include <algorithm>
#include <cmath>

#include "core/text.hpp"
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
     "top quality", "success", "太好了", "太棒了", "真棒", "好棒", "棒棒", "厉害", "优秀", "完美", "感谢",
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
     "spike", "oscillating", "lost", "ran out", "shuffled", "forgot", "挂", "红", "超时", "崩", "炸",
     "报错", "失败", "爆", "显存", "掉线", "重训", "坏", "删", "冲突", "抢占", "发散", "过拟合", "下降", "掉",
     "泄漏", "覆盖了", "丢", "错误", "满了", "飙升", "震荡", "慢", "emo"}};

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
constexpr const char* k_scare_quotes = "scare_quotes";

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '_';
}

bool is_ascii(std::string_view word) {
    return std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// True when `word` occurs in `lowered` (a whole word when it is ASCII and starts and ends with a
// letter or digit).
bool contains(std::string_view lowered, std::string_view word) {
    bool whole_word = is_ascii(word) && is_word_char(word.front()) && is_word_char(word.back());
    for (size_t pos = lowered.find(word); pos != std::string_view::npos; pos = lowered.find(word, pos + 1)) {
        if (!whole_word) return true;
        bool starts = pos == 0 || !is_word_char(lowered[pos - 1]);
        size_t end = pos + word.size();
        bool ends = end == lowered.size() || !is_word_char(lowered[end]);
        if (starts && ends) return true;
    }
    return false;
}

std::vector<std::string> matches(std::string_view lowered, const Lexicon& lexicon) {
    std::vector<std::string> found;
    for (const auto& word : lexicon.words)
        if (contains(lowered, word) && std::find(found.begin(), found.end(), word) == found.end())
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

SarcasmModel parse_model(const nlohmann::json& doc) {
    SarcasmModel model;
    model.bias = doc.at("bias").get<double>();
    model.threshold = doc.at("threshold").get<double>();
    for (const auto& [name, weight] : doc.at("weights").items()) model.weights[name] = weight.get<double>();
    return model;
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
    features.push_back(scare_quotes(text));
    return features;
}

const SarcasmModel& builtin_sarcasm_model() {
    static const SarcasmModel model = parse_model(templates::embedded_json("sarcasm_model.json"));
    return model;
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
    std::stable_sort(result.reasons.begin(), result.reasons.end(),
                     [](const auto& a, const auto& b) { return a.contribution > b.contribution; });
    result.score = logistic(logit);
    result.sarcastic = result.score >= model.threshold;
    return result;
}

}  // namespace memeops::meme
