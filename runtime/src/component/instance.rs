//! A live component instance: its store (with the WASI 0.2 context, the limiter and the
//! deadline, as for modules), the resources JS holds, and how calls run.
//!
//! Calls run as for modules: an async call starts on the JS thread when the instance is
//! free and moves to a thread of its own at the first epoch tick or WASI wait
//! (`worker::start_here`); a call that finds the instance busy waits its turn on a worker.
//!
//! A call that fails inside Wasmtime (a trap, a timeout, running out of fuel) leaves the
//! instance unusable: the Component Model forbids entering an instance after a trap. So
//! every value is checked before the call (`super::values`), and after a failure the
//! instance refuses calls with one clear error instead of Wasmtime's.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::Poll;

use parking_lot::{ArcMutexGuard, Mutex, RawMutex};
use tokio::sync::{mpsc, oneshot};
use wasmtime::component::types::Type;
use wasmtime::component::{Func, InstancePre, Val};
use wasmtime::Store;
use wasmtime_wasi::I32Exit;

use super::compiled::CompiledComponent;
use super::exports::FunctionKind;
use super::values::{to_val, write_val, Moves, Path, Resources};
use super::wire::{read_args, Wire, Writer, UNDEFINED};
use crate::call::limits::{begin, end, Pace};
use crate::error::{WasmError, WasmResult};
use crate::generated::{CallOptions, InstantiateOptions};
use crate::host_link::{ComponentAnswer, ComponentHostLink, ComponentRequest};
use crate::instance::turns::Turns;
use crate::instance::{CallLimits, ComponentWasi, InstanceEnv, StoreData};
use crate::stdio::CapturedStreams;
use crate::timeout::Deadline;
use crate::traps::call_error_bare;

/// The result form's first byte: the value follows, or a function's `result` was `err`
/// and its payload follows (JS throws 5014 with it). A hosted call's event may instead be
/// a host request: its id, the import's index and the arguments follow.
const OK: u8 = 0;
const ERR: u8 = 1;
const REQUEST: u8 = 2;

/// How JS answered a host request (`answer`): its return value, the err payload it threw
/// (for an import returning a result), or its promise was still pending when the call's
/// timeout ran out; anything else (1): it threw, with a message.
pub const ANSWER_VALUE: u32 = 0;
pub const ANSWER_ERR_PAYLOAD: u32 = 2;
pub const ANSWER_TIMEOUT: u32 = 3;

pub struct ComponentInstance {
    pub compiled: Arc<CompiledComponent>,
    store: Arc<Mutex<ComponentStore>>,
    turns: Arc<Turns>,
    /// Piped stdout and stderr, readable while a call runs.
    pub streams: CapturedStreams,
    interruptible: bool,
    /// For a component with JS imports: where its trampolines post, and the calls
    /// waiting for JS to answer one, by request id.
    host: Option<Arc<ComponentHostLink>>,
    waiting: Mutex<HashMap<u32, HostedCall>>,
    next_request: AtomicU32,
}

/// A call whose host function JS is running: the call (suspended in the trampoline),
/// its channel of requests, and where the answer goes.
struct HostedCall {
    finish: Pin<Box<dyn Future<Output = WasmResult<Vec<u8>>> + Send>>,
    requests: mpsc::UnboundedReceiver<ComponentRequest>,
    answer: Option<(oneshot::Sender<ComponentAnswer>, u32)>,
}

/// What calls need exclusive access to.
pub struct ComponentStore {
    store: Store<StoreData>,
    instance: wasmtime::component::Instance,
    /// `Func`s by function index, found on first call.
    funcs: Vec<Option<(Func, Arc<Signature>)>>,
    resources: Resources,
    fuel_limited: bool,
    limits: CallLimits,
    /// Why the instance cannot be entered any more (a call failed inside it).
    broken: Option<String>,
}

type Guard = ArcMutexGuard<RawMutex, ComponentStore>;

/// A function's types as this instance has them (its resource types are the instance's),
/// read once: parameters with their camelCase names, and results.
struct Signature {
    params: Vec<(String, Type)>,
    results: Vec<Type>,
}

/// Instantiate `pre` with `options` (checked, and the WASI 0.2 context built, here; the
/// instantiation itself, which may run core start functions, on a worker).
pub async fn create(
    env: &InstanceEnv,
    compiled: Arc<CompiledComponent>,
    pre: InstancePre<StoreData>,
    options: &InstantiateOptions,
) -> WasmResult<ComponentInstance> {
    let limits = crate::instance::call_limits(options)?;
    let (ctx, stdout, stderr) = crate::wasi::build_component_context(&*env.permissions, &compiled.name, options)?;
    let mut data = StoreData::new(None, crate::instance::limiter(env, options), Deadline::new(env.clock.clone()));
    data.component_wasi = Some(ComponentWasi { ctx, table: wasmtime::component::ResourceTable::new() });
    let host = (!compiled.imports.is_empty()).then(|| Arc::new(ComponentHostLink::default()));
    data.component_host = host.clone();
    let mut store = Store::new(pre.engine(), data);
    store.limiter(|data| &mut data.limiter);
    crate::timeout::install(&mut store);
    if let Some(fuel) = options.fuel {
        store.set_fuel(fuel).map_err(|e| WasmError::bug(format!("set_fuel: {e}")))?;
    }
    let fuel_limited = options.fuel.is_some();
    let name = compiled.name.clone();
    let started = std::time::Instant::now();
    let made = crate::worker::run(move || {
        // Instantiation may run core start functions: they get the instance's timeout.
        if limits.interruptible {
            crate::timeout::arm(&mut store, limits.timeout_ms);
        }
        let instance = crate::worker::block_on(pre.instantiate_async(&mut store));
        crate::timeout::disarm(&mut store);
        let instance = instance.map_err(|e| {
            let error = call_error_bare("the component's start functions", e);
            WasmError::new(error.code, format!("instantiating {name}: {}", error.message))
        })?;
        Ok::<_, WasmError>((store, instance))
    })
    .await?;
    let (store, instance) = made;
    let mut component_store = ComponentStore {
        store,
        instance,
        funcs: vec![None; compiled.functions.len()],
        resources: Resources::default(),
        fuel_limited,
        limits,
        broken: None,
    };
    component_store.name_resources(&compiled)?;
    tracing::debug!(
        component = %compiled.name,
        fuel = fuel_limited,
        timeout_ms = ?limits.timeout_ms,
        interruptible = limits.interruptible,
        elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
        "instantiate component"
    );
    Ok(ComponentInstance {
        compiled,
        store: Arc::new(Mutex::new(component_store)),
        turns: Arc::default(),
        streams: CapturedStreams::new(stdout, stderr),
        interruptible: limits.interruptible,
        host,
        waiting: Mutex::default(),
        next_request: AtomicU32::new(1),
    })
}

impl ComponentInstance {
    /// The store at once, if it is free and nobody is in line for it.
    fn try_lock(&self) -> Option<Guard> {
        self.turns.if_nobody_waits(|| self.store.try_lock_arc())
    }

    /// The store after everything issued before, blocking this thread meanwhile (5002
    /// while a host function of the instance runs: its call holds the store).
    fn lock_in_line(&self) -> WasmResult<Guard> {
        self.not_in_host_call()?;
        Ok(match self.try_lock() {
            Some(guard) => guard,
            None => {
                let store = Arc::clone(&self.store);
                self.turns.take().wait(|| store.lock_arc())
            }
        })
    }

    /// 5002 while a host function of this instance runs in JS: its call holds the
    /// instance, and a component instance cannot be re-entered from its imports.
    fn not_in_host_call(&self) -> WasmResult<()> {
        if self.waiting.lock().is_empty() {
            return Ok(());
        }
        Err(WasmError::call(
            "the component instance is inside a call that waits for one of its host functions; a component \
             instance cannot be re-entered from its imports (the Component Model forbids it)",
        ))
    }

    /// Run `work` with the store: started here when the instance is free (moving to a
    /// thread of its own if it outlasts an epoch tick), else on a worker in its turn.
    async fn with_store<R, W, F>(&self, work: W) -> WasmResult<R>
    where
        R: Send + 'static,
        W: FnOnce(Guard, Pace) -> F + Send + 'static,
        F: std::future::Future<Output = WasmResult<R>> + Send + 'static,
    {
        // Code without epoch checks could not leave this thread part-way: a worker.
        if self.interruptible {
            if let Some(guard) = self.try_lock() {
                return crate::worker::start_here(work(guard, Pace::Slices)).await;
            }
        }
        let (turn, store) = (self.turns.take(), Arc::clone(&self.store));
        crate::worker::run(move || crate::worker::block_on(work(turn.wait(|| store.lock_arc()), Pace::ToTheEnd))).await
    }

    /// Call function `index` with `args` in wire form; the result in wire form, led by
    /// `OK` or `ERR`.
    pub async fn call(&self, index: u32, args: Vec<u8>, options: CallOptions) -> WasmResult<Vec<u8>> {
        self.not_in_host_call()?;
        if self.host.is_some() {
            return Err(WasmError::call("this component instance has JS imports: its calls go through call_hosted"));
        }
        let args = read_args(&args)?;
        let compiled = Arc::clone(&self.compiled);
        self.with_store(move |mut store, pace| async move {
            store.call(&compiled, index as usize, &args, &options, pace).await
        })
        .await
    }

    /// `call` of an instance with JS imports: resolves to the call's result (led by `OK` or
    /// `ERR`) or to its first host request (led by `REQUEST`), which JS answers with
    /// `answer`.
    pub async fn call_hosted(&self, index: u32, args: Vec<u8>, options: CallOptions) -> WasmResult<Vec<u8>> {
        self.not_in_host_call()?;
        let link = self.host.clone().ok_or_else(|| WasmError::call("this component instance has no JS imports"))?;
        let args = read_args(&args)?;
        let compiled = Arc::clone(&self.compiled);
        let (requests_to, requests) = mpsc::unbounded_channel();
        let finish = self.with_store_hosted(move |mut store, pace| async move {
            link.connect(requests_to);
            let outcome = store.call(&compiled, index as usize, &args, &options, pace).await;
            link.disconnect();
            outcome
        });
        self.next_event(HostedCall { finish: Box::pin(finish), requests, answer: None }).await
    }

    /// Answer host request `request` (`ANSWER_*` says how `bytes` are meant) and go on
    /// to the call's next event.
    pub async fn answer(&self, request: u32, how: u32, bytes: Vec<u8>) -> WasmResult<Vec<u8>> {
        let mut call = self
            .waiting
            .lock()
            .remove(&request)
            .ok_or_else(|| WasmError::call(format!("host request {request} is not waiting for an answer")))?;
        if let Some((reply, import)) = call.answer.take() {
            let name = self.compiled.imports.get(import as usize).map_or("?", |f| f.name.as_str());
            let answer = match how {
                ANSWER_VALUE => ComponentAnswer::Value(bytes),
                ANSWER_ERR_PAYLOAD => ComponentAnswer::Err(bytes),
                ANSWER_TIMEOUT => ComponentAnswer::Failed(WasmError::new(
                    crate::error::ErrorCode::Timeout,
                    format!("ran past its timeout while host function \"{name}\" was pending"),
                )),
                _ => ComponentAnswer::Failed(WasmError::call(format!(
                    "host function \"{name}\" threw: {}",
                    String::from_utf8_lossy(&bytes)
                ))),
            };
            // The call is gone only when its instance was dropped; the next event says so.
            let _ = reply.send(answer);
        }
        self.next_event(call).await
    }

    /// The call's result, or its next host request (the call then waits in `waiting`).
    async fn next_event(&self, mut call: HostedCall) -> WasmResult<Vec<u8>> {
        enum Event {
            Done(WasmResult<Vec<u8>>),
            Request(ComponentRequest),
        }
        let event = std::future::poll_fn(|cx| {
            if let Poll::Ready(out) = call.finish.as_mut().poll(cx) {
                return Poll::Ready(Event::Done(out));
            }
            match call.requests.poll_recv(cx) {
                Poll::Ready(Some(request)) => Poll::Ready(Event::Request(request)),
                // The call disconnected: it is about to finish, and `finish` wakes us.
                Poll::Ready(None) | Poll::Pending => Poll::Pending,
            }
        })
        .await;
        let request = match event {
            Event::Done(out) => return out,
            Event::Request(request) => request,
        };
        let id = self.next_request.fetch_add(1, Ordering::Relaxed);
        let mut out = Vec::with_capacity(9 + request.args.len());
        out.push(REQUEST);
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&request.import.to_le_bytes());
        out.extend_from_slice(&request.args);
        call.answer = Some((request.answer, request.import));
        self.waiting.lock().insert(id, call);
        Ok(out)
    }

    /// `with_store` for hosted calls, which wait for JS in the middle: the store is taken
    /// in turn (off this thread when busy), then the call starts here and moves to a
    /// thread of its own at its first wait; code without epoch checks runs there from the
    /// start.
    fn with_store_hosted<R, W, F>(&self, work: W) -> impl Future<Output = WasmResult<R>> + Send + 'static
    where
        R: Send + 'static,
        W: FnOnce(Guard, Pace) -> F + Send + 'static,
        F: Future<Output = WasmResult<R>> + Send + 'static,
    {
        let free = self.try_lock();
        let queued = match free {
            Some(_) => None,
            None => Some((self.turns.take(), Arc::clone(&self.store))),
        };
        let interruptible = self.interruptible;
        async move {
            let guard = match (free, queued) {
                (Some(guard), _) => guard,
                (None, Some((turn, store))) => crate::worker::run(move || turn.wait(|| store.lock_arc())).await,
                (None, None) => return Err(WasmError::bug("a hosted call with neither the store nor a turn")),
            };
            if interruptible {
                crate::worker::start_here(work(guard, Pace::Slices)).await
            } else {
                crate::worker::on_own_thread(work(guard, Pace::ToTheEnd)).await
            }
        }
    }

    /// Run a WASI command component (`wasi:cli/run`): its exit code.
    pub async fn run(&self, options: CallOptions) -> WasmResult<i32> {
        self.not_in_host_call()?;
        if self.host.is_some() {
            return Err(WasmError::call("this component instance has JS imports: its runs go through call_hosted"));
        }
        let index = self.compiled.run_function().ok_or_else(|| {
            WasmError::export_not_found(
                "the component exports no `wasi:cli/run` interface: it is not a WASI command (call its exports with \
                 instance.call instead)",
            )
        })?;
        let compiled = Arc::clone(&self.compiled);
        let out = self
            .with_store(move |mut store, pace| async move {
                let ran = match compiled.home.concurrent {
                    true => store.run_p3(&compiled, index, &options, pace).await,
                    false => store.call(&compiled, index, &[], &options, pace).await,
                };
                match ran {
                    Ok(out) => Ok(if out.first() == Some(&ERR) { 1 } else { 0 }),
                    Err(error) => match error.exit_code {
                        Some(code) => Ok(code),
                        None => Err(error),
                    },
                }
            })
            .await?;
        Ok(out)
    }

    /// Drop resource `handle`, running the guest's destructor (on this thread, after any
    /// call in flight). Dropping one already gone does nothing.
    pub fn drop_resource(&self, handle: u32) -> WasmResult<()> {
        let mut guard = self.lock_in_line()?;
        crate::worker::block_on(guard.drop_resource(handle))
    }

    /// `drop_resource` for a resource JS let go of without dropping it (its object was
    /// collected): after any call in flight, off this thread, without blocking it. While a
    /// host function of the instance runs, the store is the suspended call's, so the
    /// resource stays until the instance goes.
    pub async fn release_resource(&self, handle: u32) -> WasmResult<()> {
        if self.not_in_host_call().is_err() {
            return Ok(());
        }
        self.with_store(move |mut store, _pace| async move { store.drop_resource(handle).await }).await
    }

    /// The remaining fuel (`Infinity` for an instance without a budget): at once when the
    /// instance is free, else after the call in flight, without holding up the event loop.
    pub async fn fuel(&self) -> WasmResult<f64> {
        self.not_in_host_call()?;
        self.with_store(|store, _pace| async move {
            if !store.fuel_limited {
                return Ok(f64::INFINITY);
            }
            store.store.get_fuel().map(|f| f as f64).map_err(|e| WasmError::bug(format!("get_fuel: {e}")))
        })
        .await
    }

    /// Set the remaining fuel (5007 on an instance without a budget, whose code is not
    /// metered), as `fuel` takes its turn.
    pub async fn set_fuel(&self, fuel: f64) -> WasmResult<()> {
        if !(fuel >= 0.0 && fuel.fract() == 0.0 && fuel <= u64::MAX as f64) {
            return Err(WasmError::type_mismatch(format!("setFuel: expected a whole number of 0 or more, got {fuel}")));
        }
        self.not_in_host_call()?;
        self.with_store(move |mut store, _pace| async move {
            if !store.fuel_limited {
                return Err(crate::fuel::not_metered("setFuel"));
            }
            store.store.set_fuel(fuel as u64).map_err(|e| WasmError::bug(format!("set_fuel: {e}")))
        })
        .await
    }
}

impl ComponentStore {
    /// Key each exported resource type by `interface#name`, from the functions that make
    /// (`[constructor]`) or take (`[method]`) it, so results can tell JS which it is.
    fn name_resources(&mut self, compiled: &CompiledComponent) -> WasmResult<()> {
        for (index, function) in compiled.functions.iter().enumerate() {
            let Some(key) = function.resource_key() else { continue };
            let (_, signature) = self.resolved(compiled, index)?;
            let found = match function.kind {
                FunctionKind::Constructor => signature.results.first(),
                FunctionKind::Method => signature.params.first().map(|(_, t)| t),
                _ => None,
            };
            if let Some(Type::Own(rt) | Type::Borrow(rt)) = found {
                if !self.resources.names.iter().any(|(t, _)| t == rt) {
                    self.resources.names.push((*rt, key));
                }
            }
        }
        Ok(())
    }

    /// Function `index` and its signature, found on first use.
    fn resolved(&mut self, compiled: &CompiledComponent, index: usize) -> WasmResult<(Func, Arc<Signature>)> {
        if let Some(Some((func, signature))) = self.funcs.get(index) {
            return Ok((*func, Arc::clone(signature)));
        }
        let func = self.lookup(compiled, index)?;
        let ty = func.ty(&self.store);
        let signature = Arc::new(Signature {
            params: ty.params().map(|(n, t)| (super::values::camel_case(n), t)).collect(),
            results: ty.results().collect(),
        });
        if let Some(slot) = self.funcs.get_mut(index) {
            *slot = Some((func, Arc::clone(&signature)));
        }
        Ok((func, signature))
    }

    /// The instance's `Func` of function `index`, looked up by its export path.
    fn lookup(&mut self, compiled: &CompiledComponent, index: usize) -> WasmResult<Func> {
        let function = compiled
            .functions
            .get(index)
            .ok_or_else(|| WasmError::export_not_found(format!("function handle {index} does not exist")))?;
        let missing = || WasmError::export_not_found(format!("the component instance has no \"{}\"", function.name));
        let export = match &function.interface {
            Some(interface) => {
                let parent = self.instance.get_export_index(&mut self.store, None, interface).ok_or_else(missing)?;
                self.instance.get_export_index(&mut self.store, Some(&parent), &function.func)
            }
            None => self.instance.get_export_index(&mut self.store, None, &function.func),
        };
        export.and_then(|e| self.instance.get_func(&mut self.store, e)).ok_or_else(missing)
    }

    async fn call(
        &mut self,
        compiled: &CompiledComponent,
        index: usize,
        args: &[Wire],
        options: &CallOptions,
        pace: Pace,
    ) -> WasmResult<Vec<u8>> {
        let function = compiled
            .functions
            .get(index)
            .ok_or_else(|| WasmError::export_not_found(format!("function handle {index} does not exist")))?;
        self.enterable(&function.name)?;
        if let Some(why) = &function.unsupported {
            return Err(super::not_for_components(format!("\"{}\" cannot be called from JS: {why}", function.name)));
        }
        let (func, signature) = self.resolved(compiled, index)?;
        let params = &signature.params;
        // Messages name the function as WIT does (`norm1`, `[method]counter.add-from`) and
        // the values as JS sees them (`(p).yCoord`).
        let label = &function.func;
        if args.len() != params.len() {
            let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
            return Err(WasmError::type_mismatch(format!(
                "{label} takes {} argument(s) ({}), got {}",
                params.len(),
                names.join(", "),
                args.len()
            )));
        }
        let mut moves = Moves::default();
        let vals = params
            .iter()
            .zip(args)
            .map(|((name, ty), wire)| to_val(ty, wire, &Path::param(label, name), &self.resources, &mut moves))
            .collect::<WasmResult<Vec<Val>>>()?;
        moves.apply(&mut self.resources);
        let result_types = &signature.results;
        let mut results = vec![Val::Bool(false); result_types.len()];
        let scope = begin(&mut self.store, self.fuel_limited, self.limits, options, pace)?;
        let outcome = func.call_async(&mut self.store, &vals, &mut results).await;
        end(&mut self.store, scope)?;
        if let Err(error) = outcome {
            return Err(self.failed(&function.name, error));
        }
        let mut out = Writer::default();
        match (result_types.first(), results.first()) {
            (Some(Type::Result(result)), Some(Val::Result(outcome))) => {
                let (lead, ty, payload) = match outcome {
                    Ok(v) => (OK, result.ok(), v),
                    Err(v) => (ERR, result.err(), v),
                };
                out.tag(lead);
                match (ty, payload) {
                    (Some(ty), Some(v)) => write_val(&ty, v, &mut out, &mut self.resources),
                    _ => out.tag(UNDEFINED),
                }
            }
            (Some(ty), Some(v)) => {
                out.tag(OK);
                write_val(ty, v, &mut out, &mut self.resources);
            }
            _ => {
                out.tag(OK);
                out.tag(UNDEFINED);
            }
        }
        Ok(out.bytes)
    }

    /// 5002 for a call of `name` once an earlier call failed inside the instance.
    fn enterable(&self, name: &str) -> WasmResult<()> {
        match &self.broken {
            Some(why) => Err(WasmError::call(format!(
                "\"{name}\": this component instance cannot be entered again, because an earlier call failed inside \
                 it ({why}); the Component Model forbids it. Instantiate the component again"
            ))),
            None => Ok(()),
        }
    }

    /// Drop resource `handle`, running the guest's destructor; one already gone is nothing.
    async fn drop_resource(&mut self, handle: u32) -> WasmResult<()> {
        let Some(resource) = self.resources.take(handle) else { return Ok(()) };
        if self.broken.is_some() {
            // Its instance cannot run the destructor any more; the handle is forgotten.
            return Ok(());
        }
        let dropped = resource.resource_drop_async(&mut self.store).await;
        dropped.map_err(|e| self.failed("a resource destructor", e))
    }

    /// `wasi:cli/run@0.3.x#run` of a WASI 0.3 command: an async function, called through
    /// Wasmtime's event loop for concurrent calls; the result form of `call`.
    async fn run_p3(
        &mut self,
        compiled: &CompiledComponent,
        index: usize,
        options: &CallOptions,
        pace: Pace,
    ) -> WasmResult<Vec<u8>> {
        self.enterable("wasi:cli/run#run")?;
        let (func, _) = self.resolved(compiled, index)?;
        let mut results = [Val::Bool(false)];
        let scope = begin(&mut self.store, self.fuel_limited, self.limits, options, pace)?;
        let outcome = self
            .store
            .run_concurrent(async |accessor| func.call_concurrent(accessor, &[], &mut results).await)
            .await
            .and_then(|called| called);
        end(&mut self.store, scope)?;
        if let Err(error) = outcome {
            return Err(self.failed("wasi:cli/run#run", error));
        }
        Ok(vec![if matches!(results[0], Val::Result(Err(_))) { ERR } else { OK }, UNDEFINED])
    }

    /// The error for a call of `name` that failed inside Wasmtime; the instance is broken
    /// from now on. A WASI exit is not a failure of the instance's state, but it cannot be
    /// entered after one either (the exit unwound its stack like a trap).
    fn failed(&mut self, name: &str, error: wasmtime::Error) -> WasmError {
        let exit = error.downcast_ref::<I32Exit>().map(|I32Exit(code)| *code);
        let mut reported = call_error_bare(name, error);
        self.broken = Some(match exit {
            Some(code) => format!("it exited with code {code}"),
            None => reported.message.lines().next().unwrap_or("it failed").to_string(),
        });
        reported.message.push_str(
            "\n(a component instance cannot be entered again after a failed call: instantiate the component again)",
        );
        reported
    }
}

impl CompiledComponent {
    /// The index of `wasi:cli/run`'s `run` (of WASI 0.3 for a component compiled for it,
    /// else of 0.2), if the component is a WASI command.
    pub fn run_function(&self) -> Option<usize> {
        let version = if self.home.concurrent { "wasi:cli/run@0.3." } else { "wasi:cli/run@0.2." };
        self.functions.iter().position(|f| {
            f.func == "run" && f.interface.as_deref().is_some_and(|i| i == "wasi:cli/run" || i.starts_with(version))
        })
    }
}
