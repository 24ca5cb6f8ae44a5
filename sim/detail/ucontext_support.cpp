// Only in sanitizer builds (RAFTSIM_UCONTEXT): Boost.Context's ucontext backend declares
// fiber_activation_record::current() and its initializer, but Debian's libboost_context is built
// for the fcontext backend only and does not define them. This is that small piece, following the
// definitions in Boost.Context's own src/fiber.cpp: one activation record per thread, created the
// first time a thread switches and owned by a thread-local initializer.
#if defined(BOOST_USE_UCONTEXT)

#include <boost/context/fiber.hpp>

namespace boost::context::detail {

namespace {
thread_local fiber_activation_record* tls_current_record = nullptr;
thread_local std::size_t tls_counter = 0;
}  // namespace

fiber_activation_record_initializer::fiber_activation_record_initializer() noexcept {
  if (tls_counter++ == 0) tls_current_record = new fiber_activation_record();
}

fiber_activation_record_initializer::~fiber_activation_record_initializer() {
  if (--tls_counter == 0) {
    delete tls_current_record;
    tls_current_record = nullptr;
  }
}

fiber_activation_record*& fiber_activation_record::current() noexcept {
  thread_local fiber_activation_record_initializer initializer;
  return tls_current_record;
}

}  // namespace boost::context::detail

#endif
