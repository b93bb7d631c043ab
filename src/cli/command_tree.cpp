#include "cli/command_tree.hpp"

namespace pharoctl::tree {

std::vector<const CLI::App*> visible_commands(const CLI::App& root) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* sub : root.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    out.push_back(sub);
  }
  return out;
}

std::vector<std::string> visible_command_names(const CLI::App& root) {
  std::vector<std::string> out;
  for (const CLI::App* sub : visible_commands(root)) out.push_back(sub->get_name());
  return out;
}

bool is_flag(const CLI::Option* o) { return o->get_items_expected_max() == 0; }

std::vector<std::string> spellings(const CLI::Option* o) {
  std::vector<std::string> names;
  for (const auto& s : o->get_snames()) names.push_back("-" + s);
  for (const auto& l : o->get_lnames()) names.push_back("--" + l);
  return names;
}

std::vector<std::string> accepted_spellings(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options([](const CLI::Option* opt) { return opt->nonpositional(); })) {
      std::vector<std::string> names = spellings(o);
      out.insert(out.end(), names.begin(), names.end());
    }
  }
  return out;
}

std::vector<const CLI::Option*> named_options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return !o->get_positional() && !o->get_group().empty(); });
}

std::vector<const CLI::Option*> positionals(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return o->get_positional(); });
}

bool takes_many(const CLI::Option* o) { return o->get_expected_max() >= CLI::detail::expected_max_vector_size; }

}  // namespace pharoctl::tree
