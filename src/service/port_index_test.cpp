#include "service/port_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"
#include "util/scratch_directory.hpp"

namespace pharoctl {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kLater = std::int64_t{4'000'000'000} * kSecond;  // every file settled

std::string toml(const std::string& name, int http, int instances) {
  return "name = \"" + name + "\"\nruntime = \"pharo-8.0\"\n[app]\nhttp_port = " + std::to_string(http) +
         "\n[instances]\ncount = " + std::to_string(instances) + "\n";
}

void write_service(const Home& home, const std::string& name, int http, int instances) {
  std::filesystem::create_directories(home.root() / name);
  write_file_atomic(home.service(name).service_toml(), toml(name, http, instances));
}

int http_of(const std::vector<ServiceConfig>& services, const std::string& name) {
  for (const ServiceConfig& c : services)
    if (c.name == name) return c.app.http_port;
  return -1;
}

TEST(PortIndex, TextRoundTripsAndALineCutShortIsDropped) {
  std::string text =
      "pharoctl-port-index 1\n"
      "shop 64768 1234 99 1700000000123456789 1700000000123456789 3 8100 43001 43002\n"
      "api 64768 1235 98 1700000000000000000 1700000000000000001 1 8200 43101 43102\n";
  PortIndex index = PortIndex::parse(text);
  ASSERT_EQ(index.entries().size(), 2u);
  EXPECT_EQ(index.entries()[0].name, "shop");
  EXPECT_EQ(index.entries()[0].key.ctime_ns, 1700000000123456789);
  EXPECT_EQ(index.entries()[0].instances, 3);
  EXPECT_EQ(index.entries()[1].metrics, 43102);
  EXPECT_EQ(index.text(), text);
  EXPECT_FALSE(index.changed());
  // Cut anywhere: only the lines a newline ends are believed, each of them whole.
  size_t second = text.find("api");
  for (size_t cut = 0; cut < text.size(); ++cut) {
    PortIndex part = PortIndex::parse(text.substr(0, cut));
    size_t expected = cut < second ? 0 : 1;
    ASSERT_EQ(part.entries().size(), expected) << cut;
    if (expected) {
      EXPECT_EQ(part.entries()[0].http, 8100);
    }
  }
}

TEST(PortIndex, ADamagedLineOrAnotherVersionIsNotBelieved) {
  const char* bad[] = {"shop 1 2 3 4 5 1 8100 43001\n",        "shop 1 2 3 4 5 0 8100 43001 43002\n",
                       "Shop 1 2 3 4 5 1 8100 43001 43002\n",  "shop 1 2 3 4 5 1 8100 43001 43002 7\n",
                       "shop 1 2 x 4 5 1 8100 43001 43002\n",  "shop 1 2 3 4 5 1 8100  43002\n"};
  for (const char* line : bad) {
    EXPECT_TRUE(PortIndex::parse(std::string("pharoctl-port-index 1\n") + line).entries().empty()) << line;
  }
  EXPECT_TRUE(PortIndex::parse("pharoctl-port-index 2\nshop 1 2 3 4 5 1 8100 43001 43002\n").entries().empty());
  EXPECT_TRUE(PortIndex::parse("").entries().empty());
}

TEST(PortIndex, AFileIsRememberedOnlyOnceItsCtimeIsOlderThanTheClockTick) {
  FileKey fine{1, 2, 3, 5 * kSecond + 123, 5 * kSecond + 123};
  EXPECT_FALSE(key_settled(fine, fine.ctime_ns));
  EXPECT_FALSE(key_settled(fine, fine.ctime_ns + 99'000'000));
  EXPECT_TRUE(key_settled(fine, fine.ctime_ns + 100'000'000));
  // Whole seconds: a filesystem that keeps no more (FAT's tick is two).
  FileKey coarse{1, 2, 3, 5 * kSecond, 5 * kSecond};
  EXPECT_FALSE(key_settled(coarse, coarse.ctime_ns + kSecond));
  EXPECT_FALSE(key_settled(coarse, coarse.ctime_ns + 2 * kSecond - 1));
  EXPECT_TRUE(key_settled(coarse, coarse.ctime_ns + 2 * kSecond));
}

TEST(PortIndex, ParsedOnceThenAnsweredFromTheIndexUntilTheFileChanges) {
  ScratchDirectory dir("port-index");
  Home home(dir.path());
  write_service(home, "shop", 8100, 2);
  write_service(home, "api", 8200, 1);
  std::filesystem::create_directories(dir.path() / "runtimes" / "x");
  std::filesystem::create_directories(dir.path() / "empty");  // no service.toml: no service
  PortIndex index = PortIndex::load(home);
  std::vector<ServiceConfig> first = index.services(home, kLater);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].name, "api");  // name order
  EXPECT_EQ(http_of(first, "shop"), 8100);
  EXPECT_EQ(first[1].instances, 2);
  EXPECT_FALSE(std::filesystem::exists(home.port_index()));  // reading writes nothing
  ASSERT_TRUE(index.changed());
  index.save(home);
  // The index is what answers while the file's stat is unchanged (an index saying otherwise proves it).
  std::string saved = read_file(home.port_index());
  std::string lie = saved;
  lie.replace(lie.find(" 8100 "), 6, " 9999 ");
  write_file_atomic(home.port_index(), lie);
  PortIndex again = PortIndex::load(home);
  EXPECT_EQ(http_of(again.services(home, kLater), "shop"), 9999);
  EXPECT_FALSE(again.changed());
  // Written again (same size, its mtime put back): the ctime moved, so it is parsed.
  struct stat before{};
  ASSERT_EQ(::stat(home.service("shop").service_toml().c_str(), &before), 0);
  write_file_atomic(home.service("shop").service_toml(), toml("shop", 8300, 2));
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, home.service("shop").service_toml().c_str(), times, 0), 0);
  PortIndex edited = PortIndex::load(home);
  EXPECT_EQ(http_of(edited.services(home, kLater), "shop"), 8300);
  EXPECT_TRUE(edited.changed());
}

TEST(PortIndex, AFileJustChangedOrBrokenIsNotRemembered) {
  ScratchDirectory dir("port-index");
  Home home(dir.path());
  write_service(home, "shop", 8100, 1);
  std::filesystem::create_directories(dir.path() / "broken");
  write_file_atomic(home.service("broken").service_toml(), "name = \"broken\"\n[app\n");
  PortIndex index = PortIndex::load(home);
  std::vector<ServiceConfig> now = index.services(home, 0);  // the clock before every file's ctime
  ASSERT_EQ(now.size(), 1u);                                  // the broken one is left out
  EXPECT_EQ(now[0].app.http_port, 8100);
  EXPECT_TRUE(index.entries().empty());
  index.services(home, kLater);
  ASSERT_EQ(index.entries().size(), 1u);
  EXPECT_EQ(index.entries()[0].name, "shop");
}

}  // namespace
}  // namespace pharoctl
