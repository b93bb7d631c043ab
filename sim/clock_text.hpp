#pragma once
// Date and time texts as Pharo prints them (local time): DateAndTime now printString,
// Date today printString, Time now printString, and a Duration's humanReadablePrintString.
#include <ctime>
#include <string>

namespace sim::clock_text {

std::string iso_timestamp();                 // 2026-11-23T10:14:07.118204+01:00
std::string date_text(std::time_t t);        // 23 November 2026
std::string time_text(std::time_t t);        // 10:14:07 am
std::string day_stamp(std::time_t t);        // 2026-11-23 (NeoConsoleTranscript's {1})
std::string human_duration(long long seconds);  // 2 hours 5 minutes
std::string zinc_log_stamp();                // 2026-11-23 10:14:07

}  // namespace sim::clock_text
