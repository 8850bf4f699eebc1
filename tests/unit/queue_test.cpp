// The pieces of distributed mode that need no Redis: URLs, job entries, queue names.
#include "thumbflow/queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "queue/job_fields.hpp"
#include "queue/job_policy.hpp"
#include "queue/queue_keys.hpp"

namespace thumbflow {
namespace {

TEST(RedisUrl, DefaultsAndParts) {
  const RedisAddress plain = parse_redis_url("redis://queue-host");
  EXPECT_EQ(plain.host, "queue-host");
  EXPECT_EQ(plain.port, 6379);
  EXPECT_EQ(plain.db, 0);
  EXPECT_TRUE(plain.password.empty());

  const RedisAddress full = parse_redis_url("redis://worker:p%40ss%3Aword@10.0.0.5:6390/2");
  EXPECT_EQ(full.user, "worker");
  EXPECT_EQ(full.password, "p@ss:word");
  EXPECT_EQ(full.host, "10.0.0.5");
  EXPECT_EQ(full.port, 6390);
  EXPECT_EQ(full.db, 2);
  EXPECT_EQ(describe(full), "10.0.0.5:6390/2");  // never the password

  const RedisAddress password_only = parse_redis_url("redis://:secret@127.0.0.1:7000");
  EXPECT_TRUE(password_only.user.empty());
  EXPECT_EQ(password_only.password, "secret");

  const RedisAddress v6 = parse_redis_url("REDIS://[::1]:7001");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 7001);
  EXPECT_EQ(describe(v6), "[::1]:7001");
}

TEST(RedisUrl, BadOnesSayWhatIsWrongWithoutThePassword) {
  for (const char* bad : {"http://host", "host:6379", "redis://host:0", "redis://host:99999",
                          "redis://host:x", "redis://host/db", "redis://:bad%zz@host", "redis://[::1"})
    EXPECT_THROW(parse_redis_url(bad), std::invalid_argument) << bad;
  try {
    parse_redis_url("redis://:hunter2@host:notaport");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("port"), std::string::npos) << e.what();
  }
}

detail::QueueJob sample_job() {
  detail::QueueJob job;
  job.item.input = "/srv/photos/trip/a.png";
  job.item.relative_path = "trip/a.png";
  job.thumbnail.box_width = 300;
  job.thumbnail.box_height = 0;
  job.thumbnail.format = OutputFormat::Webp;
  job.thumbnail.quality = 70;
  job.thumbnail.background = Rgb{1, 2, 3};
  job.thumbnail.allow_enlarge = true;
  job.thumbnail.decode = DecodeMode::Full;
  job.thumbnail.max_pixels = 12345;
  job.name_template = "{stem}_{w}.{ext}";
  job.force = true;
  return job;
}

TEST(JobFields, RoundTrip) {
  const detail::QueueJob job = sample_job();
  const std::vector<std::string> fields = detail::encode_job(job);
  const auto output = std::find(fields.begin(), fields.end(), "output");
  ASSERT_NE(output, fields.end());
  EXPECT_EQ(*(output + 1), "trip/a_300.webp");
  const detail::QueueJob back = detail::decode_job(fields);
  EXPECT_EQ(back.item.input, job.item.input);
  EXPECT_EQ(back.item.relative_path, job.item.relative_path);
  EXPECT_EQ(back.thumbnail.box_width, 300);
  EXPECT_EQ(back.thumbnail.box_height, 0);
  EXPECT_EQ(back.thumbnail.format, OutputFormat::Webp);
  EXPECT_EQ(back.thumbnail.quality, 70);
  EXPECT_EQ(back.thumbnail.background.g, 2);
  EXPECT_TRUE(back.thumbnail.allow_enlarge);
  EXPECT_EQ(back.thumbnail.decode, DecodeMode::Full);
  EXPECT_EQ(back.thumbnail.max_pixels, 12345u);
  EXPECT_EQ(back.name_template, job.name_template);
  EXPECT_TRUE(back.force);
  EXPECT_EQ(detail::job_settings_key(back), detail::job_settings_key(job));
}

TEST(JobFields, SettingsKeyAndFingerprint) {
  detail::QueueJob a = sample_job(), b = sample_job();
  b.item.input = "/srv/photos/trip/b.png";
  b.item.relative_path = "trip/b.png";
  EXPECT_EQ(detail::job_settings_key(a), detail::job_settings_key(b));  // one run can make both
  EXPECT_NE(detail::job_fingerprint(a), detail::job_fingerprint(b));
  b = a;
  b.thumbnail.quality = 71;
  EXPECT_NE(detail::job_settings_key(a), detail::job_settings_key(b));
  EXPECT_NE(detail::job_fingerprint(a), detail::job_fingerprint(b));  // other settings: another job
}

// A worker gives NAME:seen the fingerprint of the job it decoded (never an entry's `key` field):
// it must be the one enqueue computed from the job it encoded, or a dead job could never be
// enqueued again.
TEST(JobFields, TheDecodedJobHasTheFingerprintItWasEnqueuedWith) {
  detail::QueueJob job = sample_job();
  for (const std::string& input : {std::string("https://example.com/a.png"), job.item.input}) {
    job.item.input = input;
    job.thumbnail.sizes = {{300, 200}, {64, 64}};
    job.thumbnail.crop = CropMode::Centre;
    job.name_template = "{stem}_{size}.{ext}";
    EXPECT_EQ(detail::job_fingerprint(detail::decode_job(detail::encode_job(job))),
              detail::job_fingerprint(job))
        << input;
  }
}

TEST(JobFields, AnimatedTravelsOnlyWhenSet) {
  detail::QueueJob job = sample_job();
  const std::vector<std::string> still = detail::encode_job(job);
  EXPECT_EQ(std::find(still.begin(), still.end(), "animated_max_frame_pixels"), still.end());  // old layout
  EXPECT_FALSE(detail::decode_job(still).thumbnail.animated);
  job.thumbnail.animated = true;
  job.thumbnail.max_frame_pixels = 12345;
  const detail::QueueJob back = detail::decode_job(detail::encode_job(job));
  EXPECT_TRUE(back.thumbnail.animated);
  EXPECT_EQ(back.thumbnail.max_frame_pixels, 12345u);
  EXPECT_NE(detail::job_settings_key(job), detail::job_settings_key(sample_job()));
  std::vector<std::string> bad = detail::encode_job(job);
  bad.back() = "-1";
  EXPECT_THROW(detail::decode_job(bad), std::invalid_argument);
}

TEST(JobFields, MalformedEntriesNameTheField) {
  std::vector<std::string> fields = detail::encode_job(sample_job());
  const auto set = [&](std::vector<std::string> f, const std::string& name, const std::string& value) {
    for (std::size_t i = 0; i + 1 < f.size(); i += 2)
      if (f[i] == name) f[i + 1] = value;
    return f;
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"quality", "0"},   {"quality", "high"}, {"box_w", "-1"}, {"box_w", "0"},     {"format", "gif"},
      {"decode", "slow"}, {"v", "2"},          {"input", ""},   {"name", "no-stem"}};
  for (const auto& [name, value] : bad)
    EXPECT_THROW(detail::decode_job(set(fields, name, value)), std::invalid_argument) << name << "=" << value;
  try {
    detail::decode_job({"v", "1", "input", "/a.jpg"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'rel'"), std::string::npos) << e.what();
  }
}

// `fields` with the value of `name` replaced.
std::vector<std::string> with_field(std::vector<std::string> fields, const std::string& name,
                                    const std::string& value) {
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2)
    if (fields[i] == name) fields[i + 1] = value;
  return fields;
}

TEST(JobFields, NumbersAreDigitsOnlyEachFieldOnceAndEveryFieldBounded) {
  const std::vector<std::string> fields = detail::encode_job(sample_job());
  const auto set = [&](const std::string& name, const std::string& value) {
    return with_field(fields, name, value);
  };
  for (const char* bad : {" 70", "+70", "70abc", "70 ", "0x46", "7e1", ""})
    EXPECT_THROW(detail::decode_job(set("quality", bad)), std::invalid_argument) << "'" << bad << "'";
  EXPECT_THROW(detail::decode_job(set("background", "1, 2,3")), std::invalid_argument);
  // Found by a hostile sweep: values of 19 digits were refused although in range, with a reason
  // naming the range they were in ("'4611686018427387904', not a number in 0..4611686018427387904").
  EXPECT_EQ(detail::decode_job(set("max_pixels", "4611686018427387904")).thumbnail.max_pixels, 1ULL << 62);
  EXPECT_EQ(detail::decode_job(set("max_pixels", "1000000000000000000")).thumbnail.max_pixels,
            1'000'000'000'000'000'000ULL);
  EXPECT_EQ(detail::decode_job(set("max_pixels", "000000000000000000000012")).thumbnail.max_pixels, 12u);
  for (const char* over : {"4611686018427387905", "18446744073709551616", "99999999999999999999999"})
    EXPECT_THROW(detail::decode_job(set("max_pixels", over)), std::invalid_argument) << over;
  // Found by a hostile sweep: the size list's parser quoted a 600-byte list whole.
  std::string sizes = "64";
  for (int i = 0; i < 200; ++i) sizes += ",64";
  std::vector<std::string> listed = fields;
  listed.insert(listed.end(), {"sizes", sizes});
  try {
    detail::decode_job(listed);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_LT(std::string(e.what()).size(), 300u) << e.what();
    EXPECT_NE(std::string(e.what()).find("64 is given twice"), std::string::npos) << e.what();
  }
  std::vector<std::string> twice = fields;
  twice.insert(twice.end(), {"quality", "70"});  // the same value: still refused
  try {
    detail::decode_job(twice);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'quality' appears twice"), std::string::npos) << e.what();
  }
  try {
    detail::decode_job(set("input", "/" + std::string(20000, 'a')));
    FAIL();
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'input' is 20001 bytes, over the limit of 8192"), std::string::npos) << what;
    EXPECT_NE(what.find("\u2026' (20001 bytes)"), std::string::npos) << what;
    EXPECT_LT(what.size(), 300u);
  }
  std::vector<std::string> many = fields;
  for (int i = 0; i < detail::kMaxEntryFields; ++i) many.insert(many.end(), {"x" + std::to_string(i), "1"});
  EXPECT_THROW(detail::decode_job(many), std::invalid_argument);
  EXPECT_EQ(detail::quote_field("a\nb"), "'a\\nb'");
}

// A reason goes into the worker's log line and into NAME:dead: whatever field a control character
// (an escape sequence, a tab, a newline) came in, it is shown escaped (found by the queue_job fuzzer:
// the name template's and the crop mode's parsers quoted them raw).
TEST(JobFields, ReasonsShowControlCharactersEscaped) {
  const std::vector<std::string> fields = detail::encode_job(sample_job());
  const auto set = [&](const std::string& name, const std::string& value) {
    return with_field(fields, name, value);
  };
  const std::vector<std::pair<std::string, std::string>> bad = {{"name", "{stem}_{w\x1b[2J}.{ext}"},
                                                                {"name", "{stem\x01.{ext}"},
                                                                {"crop", "\tfill"},
                                                                {"gravity", "0.5,\n0.5"},
                                                                {"colour", "\x1b[31mkeep"}};
  for (const auto& [name, value] : bad) {
    try {
      detail::decode_job(set(name, value));
      ADD_FAILURE() << name << " accepted";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_EQ(std::find_if(what.begin(), what.end(), [](char c) { return c >= 0 && c < 0x20; }), what.end())
          << name << ": " << what;
    }
  }
}

// An entry over the bounds reaches the worker as its outline (kTakeScript): refused in the words
// decode_job gives for the whole entry.
TEST(JobFields, AnOutlineIsRefusedAsTheWholeEntryWouldBe) {
  const auto outline_of = [](const std::vector<std::string>& fields) {
    detail::EntryOutline o;
    o.field_count = fields.size() / 2;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      o.total_bytes += fields[i].size() + fields[i + 1].size();
      if (o.fields.size() <= std::size_t(detail::kMaxEntryFields))
        o.fields.push_back({fields[i].substr(0, detail::kOutlineBytes),
                            fields[i + 1].substr(0, detail::kOutlineBytes), fields[i].size(),
                            fields[i + 1].size()});
    }
    return o;
  };
  const std::vector<std::string> good = detail::encode_job(sample_job());
  std::vector<std::vector<std::string>> bad(4, good);
  bad[0][3] = "/" + std::string(20000, 'a');                  // input over 8 KiB
  bad[1].insert(bad[1].end(), {std::string(300, 'n'), "x"});  // a long name
  for (int i = 0; i < 100; ++i) bad[2].insert(bad[2].end(), {"f" + std::to_string(i), "1"});
  // Each field within its own limit, over 32 KiB in all.
  for (std::size_t i = 0; i + 1 < bad[3].size(); i += 2) {
    if (bad[3][i] == "input") bad[3][i + 1] = "/" + std::string(8191, 'a');
    if (bad[3][i] == "rel" || bad[3][i] == "output") bad[3][i + 1] = std::string(4096, 'r');
    if (bad[3][i] == "name") bad[3][i + 1] = std::string(1024, 'n');
  }
  bad[3].insert(bad[3].end(), {"sizes", std::string(1024, '1')});
  while (bad[3].size() < 2 * std::size_t(detail::kMaxEntryFields)) {
    const std::string n = std::to_string(bad[3].size());
    bad[3].insert(bad[3].end(), {n + std::string(64 - n.size(), 'g'), std::string(256, 'v')});
  }
  for (const auto& fields : bad) {
    std::string whole;
    try {
      detail::decode_job(fields);
    } catch (const std::invalid_argument& e) {
      whole = e.what();
    }
    ASSERT_FALSE(whole.empty());
    EXPECT_EQ(detail::entry_bounds_problem(outline_of(fields)), whole);
    if (&fields == &bad[3]) {
      EXPECT_NE(whole.find("entry is "), std::string::npos) << whole;
    }
  }
}

TEST(JobFields, CropRoundTripsAndUnknownValuesAreRefused) {
  detail::QueueJob job = sample_job();
  job.thumbnail.box_height = 200;
  job.thumbnail.crop = CropMode::Entropy;
  job.thumbnail.gravity = {0.125, 1};
  const detail::QueueJob back = detail::decode_job(detail::encode_job(job));
  EXPECT_EQ(back.thumbnail.crop, CropMode::Entropy);
  EXPECT_EQ(back.thumbnail.gravity.x, 0.125);
  EXPECT_EQ(back.thumbnail.gravity.y, 1);
  detail::QueueJob other = job;
  other.thumbnail.crop = CropMode::Centre;
  EXPECT_NE(detail::job_settings_key(job), detail::job_settings_key(other));

  const std::vector<std::string> fields = detail::encode_job(job);
  const auto set = [&](const std::string& name, const std::string& value) {
    std::vector<std::string> f = fields;
    for (std::size_t i = 0; i + 1 < f.size(); i += 2)
      if (f[i] == name) f[i + 1] = value;
    return f;
  };
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"crop", "smart"}, {"crop", ""}, {"gravity", "2,0"}, {"gravity", "0.5"}, {"box_h", "0"}})
    EXPECT_THROW(detail::decode_job(set(name, value)), std::invalid_argument) << name << "=" << value;
}

// Found by a hostile sweep: an input with a NUL byte was refused as "not an absolute path".
TEST(JobPolicy, AnInputWithANulByteIsNamedAsSuch) {
  detail::QueueJob job = sample_job();
  job.thumbnail.allow_enlarge = false;
  job.item.input = std::string("/tmp/a\0b.jpg", 12);
  try {
    detail::confine_job(job, detail::make_job_limits({"/tmp"}, "/tmp/out", 0, 0, 8192));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "input '/tmp/a\\x00b.jpg' has a NUL byte");
  }
}

// Found by a hostile sweep: a job's animated_max_frame_pixels 0 ("no limit") was kept, and a 2 KB
// GIF of 40 frames of 5000x5000 (1x1 pixel each) took the worker to 4.5 GB (400 frames: 45 GB).
TEST(JobPolicy, AJobMayLowerItsPixelLimitsButNeverLiftThem) {
  const detail::JobLimits limits = detail::make_job_limits({}, "/tmp/out", 1000, 5000, 8192);
  const auto confined = [&](std::uint64_t max_pixels, std::uint64_t max_frame_pixels) {
    detail::QueueJob job = sample_job();
    job.item.input = "http://example.com/a.gif";  // a URL job: no input root needed
    job.thumbnail.box_height = 300;
    job.thumbnail.animated = true;
    job.thumbnail.max_pixels = max_pixels;
    job.thumbnail.max_frame_pixels = max_frame_pixels;
    detail::confine_job(job, limits);
    return std::pair{job.thumbnail.max_pixels, job.thumbnail.max_frame_pixels};
  };
  EXPECT_EQ(confined(0, 0), (std::pair<std::uint64_t, std::uint64_t>{1000, 5000}));
  EXPECT_EQ(confined(1u << 30, 1u << 30), (std::pair<std::uint64_t, std::uint64_t>{1000, 5000}));
  EXPECT_EQ(confined(10, 20), (std::pair<std::uint64_t, std::uint64_t>{10, 20}));
}
// Redis appends where in a script an error came from; messages leave it out.
TEST(QueueKeys, ScriptErrorsLoseTheirScriptSuffix) {
  EXPECT_EQ(
      detail::without_script_suffix("ERR The stream has exhausted the last possible ID, unable to add more "
                                    "items script: 175843a6be144f7ae3b85fe7711cc399b15eed3d, on "
                                    "@user_script:29."),
      "ERR The stream has exhausted the last possible ID, unable to add more items");
  EXPECT_EQ(detail::without_script_suffix("ERR no script: here"), "ERR no script: here");
}

TEST(QueueKeys, NamesAndRefusals) {
  const detail::QueueKeys keys("photos");
  EXPECT_EQ(keys.stream, "photos");
  EXPECT_EQ(keys.dead, "photos:dead");
  EXPECT_EQ(keys.stats, "photos:stats");
  for (const char* bad : {"", "two words", "tab\there"})
    EXPECT_THROW(detail::QueueKeys{bad}, std::invalid_argument);
}

}  // namespace
}  // namespace thumbflow
