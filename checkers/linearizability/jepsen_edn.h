// Importer for Jepsen histories written as EDN: a vector or list of operation maps, or one map per
// line, each with :process, :type (:invoke, :ok, :fail or :info), :f, :value and, for kv, :key.
//
//   {:process 0, :type :invoke, :f :cas,  :value [1 2]}
//   {:process 0, :type :ok,     :f :cas,  :value [1 2]}
//   {:process 1, :type :invoke, :f :read, :value nil}
//   {:process 1, :type :info,   :f :read, :value nil}
//
// Models: register (:read, :write, :cas with [from to]) and kv (:get, :put, :append with :key, or
// with a [key value] tuple as :value, the shape of Jepsen's independent keys).
//
// Contract (Jepsen semantics): the order of entries is real-time order, so an operation's call and
// return times are the positions of its :invoke and its completion. :ok completes it with the
// completion's :value as output; :fail means it did not happen, so it is dropped; :info, or no
// completion at all, means its outcome is unknown. Entries whose :process is not an integer (the
// :nemesis) are skipped, and fields other than the five above are ignored. Anything else that does
// not fit throws HistoryError "SOURCE: entry N (line L): problem".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checkers/linearizability/history.h"

namespace checkers::linearizability {

struct JepsenOptions {
  // "kv" or "register"; when empty, the first operation's :f decides.
  std::optional<std::string> model;
  // The register's initial value (null unless given).
  RegisterValue initial;
};

AnyHistory read_history_jepsen(std::string_view text, std::string_view source,
                               const JepsenOptions& options);

}  // namespace checkers::linearizability
