#include "cli/help_formatter.hpp"

#include <sstream>

namespace pharoctl {

namespace {

class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter() { column_width(34); }

  std::string make_option_opts(const CLI::Option* opt) const override {
    // A positional's name says what it is (NAME, target); a type after it is noise.
    if (opt->get_positional()) return opt->get_expected_max() == CLI::detail::expected_max_vector_size ? " ..." : "";
    std::string label = value_label(opt);
    if (label.empty()) return "";
    std::string out = " " + label;
    if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
    return out;
  }

  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    std::string out = CLI::Formatter::make_help(app, std::move(name), mode);
    const CLI::App* root = app->get_parent();
    if (root == nullptr || mode == CLI::AppFormatMode::Sub) return out;
    // The footer (examples) stays last: the globals go in before it.
    std::string footer = make_footer(app);
    std::string body = out;
    if (!footer.empty() && body.size() >= footer.size() && body.compare(body.size() - footer.size(), footer.size(), footer) == 0) {
      body.erase(body.size() - footer.size());
    }
    while (!body.empty() && body.back() == '\n') body.pop_back();
    std::vector<const CLI::Option*> globals = root->get_options([root](const CLI::Option* o) {
      return o->nonpositional() && !o->get_group().empty() && o != root->get_help_ptr() && o != root->get_version_ptr();
    });
    body += "\n" + make_group("Global options (before or after the command)", false, globals);
    return body + "\n" + footer;
  }
};

}  // namespace

std::string value_label(const CLI::Option* opt) {
  if (opt->get_type_size() == 0 || opt->get_items_expected_max() == 0) return "";
  std::string type = opt->get_type_name();
  // A validator appends its own words ("INT:INT in [1 - 65535]"): the placeholder is what
  // comes before them; the description says the range where it matters.
  type = type.substr(0, type.find(':'));
  // CLI11 names a value by its C++ type; commands give their own placeholders (PORT, DIR,
  // DURATION) and what is left of CLI11's C++ names reads better as a plain word.
  if (type.empty()) return "VALUE";
  if (type == "INT" || type == "UINT" || type == "FLOAT") return "NUMBER";
  return type;
}

std::shared_ptr<CLI::FormatterBase> make_help_formatter() { return std::make_shared<HelpFormatter>(); }

}  // namespace pharoctl
