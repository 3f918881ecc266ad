/** A worker entry that cannot start: for the test of a pool whose threads never come up. */
throw new Error("this worker cannot start");
