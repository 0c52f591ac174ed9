# shared-vm.sh: one nested-KVM VM for a whole run of many KVM commands
# (nested/README.md), sourced by tests/run-suites.sh and bench/run.sh.
#
#   nested_vm_start NAME LOG   where the KVM probe says nested and no
#                              caller keeps a VM up already (KVM_RUN_VM),
#                              boots build/nested/run/NAME-PID in the
#                              background (messages into LOG), exports
#                              KVM_RUN_VM, and stops it when the shell
#                              exits; every kvm-run then sends its
#                              command there
#   nested_vm_stop             stops it; its console is kept as LOG's
#                              name with .console for .log
# Needs TOP, the top of the tree.

NESTED_VM=
NESTED_VM_LOG=

nested_vm_start() {
    local vm=$TOP/build/nested/run/$1-$$ probe
    NESTED_VM_LOG=$2
    [ -z "${KVM_RUN_VM:-}" ] || return 0        # the caller keeps one up
    probe=$("$TOP/nested/kvm-run" --probe) || return 0
    [ "${probe%%:*}" = nested ] || return 0
    rm -rf "$vm"
    if "$TOP/nested/kvm-run" --vm-start "$vm" --owner $$ 2> "$NESTED_VM_LOG"; then
        export KVM_RUN_VM=$vm
        NESTED_VM=$vm
        trap 'nested_vm_stop' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    else
        echo "the nested-KVM VM did not start: $(tail -n 1 "$NESTED_VM_LOG");" \
             "each KVM run boots one of its own" >&2
    fi
}

nested_vm_stop() {
    [ -n "$NESTED_VM" ] || return 0
    "$TOP/nested/kvm-run" --vm-stop "$NESTED_VM" > /dev/null 2>&1
    cp "$NESTED_VM/console.log" "${NESTED_VM_LOG%.log}.console" 2> /dev/null
    rm -rf "$NESTED_VM"
    NESTED_VM=
    unset KVM_RUN_VM
}
